"""Prints, as JSON, every built-in job's params table as the job script declares it: for each key
whether it is required, its default, and the bounds its check enforces. Read by
job-params-parity.test.ts, which compares it with the zod schemas the api validates with.

The checks are closures built by param_checks (integer(1), number(0, 1, exclusive_min=True),
one_of(...), optional(...)); their bounds are read from the closures' cells, so a changed bound
in the script shows up here without anyone updating this file.
"""

import importlib
import json
import os
import sys

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk", "job-scripts")
sys.path.insert(0, os.path.abspath(SCRIPTS))

import param_checks as pc  # noqa: E402


def cells(fn):
    return dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__ or ())))


def describe_check(check):
    """{kind, nullable?, minimum?, maximum?, exclusiveMinimum?, enum?} of one check function."""
    if check is None:
        return {"kind": "any"}
    simple = {pc.string: "non_empty_string", pc.text: "string", pc.boolean: "boolean",
              pc.string_list: "string_list", pc.relative_path: "relative_path", pc.json_object: "object"}
    if check in simple:
        return {"kind": simple[check]}
    name = check.__qualname__
    if name.startswith("optional.") or name == "<lambda>" and "check" in cells(check):
        return {**describe_check(cells(check)["check"]), "nullable": True}
    if name.startswith("integer."):
        minimum = cells(check)["minimum"]
        return {"kind": "integer", **({} if minimum is None else {"minimum": minimum})}
    if name.startswith("number."):
        c = cells(check)
        out = {"kind": "number"}
        if c["minimum"] is not None:
            out["exclusiveMinimum" if c["exclusive_min"] else "minimum"] = c["minimum"]
        if c["maximum"] is not None:
            out["maximum"] = c["maximum"]
        return out
    if name.startswith("one_of."):
        return {"kind": "enum", "enum": sorted(cells(check)["allowed"])}
    return {"kind": "custom", "name": name}


def describe(fields):
    out = {}
    for key, field in fields.items():
        entry = {"required": field.default is pc.REQUIRED, **describe_check(field.check)}
        if field.default is not pc.REQUIRED:
            entry["default"] = field.default
        out[key] = entry
    return out


def main():
    training = importlib.import_module("training.params")
    tables = {
        "fine_tuning": training._fields("fine_tuning"),
        "weighted_sft": training._fields("weighted_sft"),
        "inference": importlib.import_module("inference.params").FIELDS,
        "api": importlib.import_module("serve.params").FIELDS,
        "logprob": importlib.import_module("training.logprob_job").FIELDS,
        "mmlu_pro": importlib.import_module("evals.mmlu_pro").FIELDS,
        "inspect_ai": importlib.import_module("evals.inspect_ai_job").FIELDS,
    }
    print(json.dumps({name: describe(fields) for name, fields in tables.items()}, sort_keys=True))


if __name__ == "__main__":
    main()
