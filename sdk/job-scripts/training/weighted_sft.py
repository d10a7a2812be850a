"""Entrypoint of the token-weighted SFT job: `python3 training/weighted_sft.py`."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from job_entry import use_scripts_root  # noqa: E402

use_scripts_root(__file__)

from training.train import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main("weighted_sft"))
