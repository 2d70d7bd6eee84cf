import os

os.environ.setdefault("SYNFIRE_THREADS", "2")
