import os
import sys
from pathlib import Path

os.environ.setdefault("SYNFIRE_THREADS", "2")
# The workflow's package (workflow/scripts/diesmann1999), as its scripts import it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workflow" / "scripts"))
# Jobs call the `simcore` command of the environment that runs the tests (as `make test` sets PATH).
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
