"""A three-sample inspect_ai task for the ML tests (tests/ml/generation.ml.test.ts): questions over
the tiny models' vocabulary, scored by exact-prefix match. Run with `inspect eval <this file>`."""

from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.scorer import match
from inspect_ai.solver import generate


@task
def toy_colors():
    samples = [Sample(input="what color is the sky ?", target="blue"),
               Sample(input="what color is the grass ?", target="green"),
               Sample(input="what color is the cloud ?", target="white")]
    return Task(dataset=samples, solver=[generate()], scorer=match())
