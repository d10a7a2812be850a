"""Entrypoint of the fine-tuning job (SFT / DPO / ORPO): `python3 training/train.py`."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from job_entry import run_main, use_scripts_root  # noqa: E402

use_scripts_root(__file__)


def main(kind: str = "fine_tuning", raw_params=None) -> int:
    import openweights_job as job
    from training.params import parse_training_params

    def body():
        from training.runner import run_training

        config = parse_training_params(job.params() if raw_params is None else raw_params, kind)
        run_training(config)

    return run_main(body)


if __name__ == "__main__":
    sys.exit(main("fine_tuning"))
