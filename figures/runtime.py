"""How TensorFlow runs for the figures: its environment, set in one place, and the one import of Keras.

TensorFlow reads its environment when it is first imported, so every process that may
import it gets the same variables from here: this process (`keras`, before the
import), the worker processes (`figures.workers`) and a notebook's kernel
(`figures.notebooks`) through `child_environment`. ``TF_CPP_MIN_LOG_LEVEL=2`` keeps
TensorFlow's C++ start-up chatter (CPU features, oneDNN notices) out of the build log;
``PYTHONWARNINGS=ignore`` does the same for the import-time deprecation warnings of
TensorFlow, Keras, shap and lime in the children, whose output the build relays line by line.

The model's own determinism (seeds, op determinism) is part of training and stays in
`figures.model`.
"""

from __future__ import annotations

import os

from figures import remote

ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}


def child_environment() -> dict[str, str]:
    """This process's environment with `ENVIRONMENT` on top: for a child that may import TensorFlow.

    A remote cache this process found failing is named too, so that the child does not
    wait for it again (`figures.remote.child_environment`).
    """
    return {**os.environ, **ENVIRONMENT, **remote.child_environment()}


def keras():
    """Keras (on TensorFlow), imported after `ENVIRONMENT` is set; what the author set already wins."""
    # PYTHONWARNINGS is read when an interpreter starts: for this one it is too late.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", ENVIRONMENT["TF_CPP_MIN_LOG_LEVEL"])
    import keras

    return keras
