"""Packet extraction: (a_k, sigma_k, t_k) of the pulse packet in every group of a trial.

How the paper estimated a and sigma from spikes is not published; this is the rule used here
(all of its numbers are parameters, see simcore.params, section "packets"):

1. The packet is followed group by group. Group k's *expected arrival* r_k is the mean time of the
   packet it receives: the input packet's mean for group 0 (no delay), t_{k-1} + delay after that.
2. The *search window* of group k is [r_k - h, r_k + h + window_latency] with
   h = max(window_half_width, window_n_sd * sigma_{k-1}) capped at window_max_half_width
   (sigma_{-1}: sd of the input packet); the cap keeps a dying, spreading packet's window from
   growing until background alone fills it.
3. Background spikes inside the window are removed by iterative sigma clipping: spikes farther than
   clip_n_sd standard deviations from the window's mean are dropped until none is (clip_n_sd = 0
   turns this off). A tight packet stands out; uniform background does not survive clipping around it.
4. If fewer than min_packet_spikes spikes remain, the packet is *dead* in group k and in every later
   group: a_k = 0, sigma_k = t_k = NaN. A dead packet's background is never counted as a packet.
5. Otherwise a_k = number of spikes left, t_k = their mean, sigma_k = their sample sd (ddof = 1).
"""

from __future__ import annotations

import numpy as np

from .params import Params


def _clip(times: np.ndarray, n_sd: float) -> np.ndarray:
    if n_sd <= 0:
        return times
    while times.size > 2:
        centre, spread = times.mean(), times.std()
        keep = np.abs(times - centre) <= n_sd * spread
        if keep.all():
            break
        times = times[keep]
    return times


def packet_sequence(
    group_times: list[np.ndarray], input_times: np.ndarray, params: Params
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a_k, sigma_k, t_k) for k = 0..n_groups-1 from each group's spike times (ms) and the input's."""
    n = len(group_times)
    a_out = np.zeros(n, dtype=np.int32)
    sigma_out = np.full(n, np.nan)
    t_out = np.full(n, np.nan)
    if input_times.size == 0:
        return a_out, sigma_out, t_out
    previous_t = float(input_times.mean())
    previous_sd = float(input_times.std(ddof=1)) if input_times.size > 1 else 0.0
    for k, times in enumerate(group_times):
        expected = previous_t + (params.delay if k > 0 else 0.0)
        half = min(max(params.window_half_width, params.window_n_sd * previous_sd), params.window_max_half_width)
        inside = times[(times >= expected - half) & (times <= expected + half + params.window_latency)]
        packet = _clip(inside, params.clip_n_sd)
        if packet.size < params.min_packet_spikes:
            break
        a_out[k] = packet.size
        t_out[k] = previous_t = float(packet.mean())
        sigma_out[k] = previous_sd = float(packet.std(ddof=1))
    return a_out, sigma_out, t_out


def extract_packets(trials, params: Params):
    """Arrays (trial, group) of a_out, sigma_out, t_out for a list of network.TrialSpikes."""
    shape = (len(trials), params.n_groups)
    a_out = np.zeros(shape, dtype=np.int32)
    sigma_out = np.full(shape, np.nan)
    t_out = np.full(shape, np.nan)
    for i, trial in enumerate(trials):
        times = trial.steps * params.dt
        groups = trial.neurons // params.group_size
        per_group = [times[groups == k] for k in range(params.n_groups)]
        a_out[i], sigma_out[i], t_out[i] = packet_sequence(per_group, trial.input_steps * params.dt, params)
    return a_out, sigma_out, t_out
