"""LIME for one digit, with `lime.lime_image` over SLIC superpixels.

LIME switches random subsets of segments off (to black, the digits' background),
asks the model for each variant, and fits a weighted linear model; a segment's
weight says how much it supports (positive) or opposes (negative) the class.
SLIC is tuned for 28x28 grey digits: about 40 compact segments that follow strokes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from figures import dataset, model
from figures.cache import save_arrays
from figures.names import DATASET, MODEL, PREDICTIONS


def segmenter(n_segments: int):
    from lime.wrappers.scikit_image import SegmentationAlgorithm

    # start_label=0: scikit-image >= 0.19 starts at 1 otherwise, and LIME expects 0.
    return SegmentationAlgorithm(
        "slic", n_segments=n_segments, compactness=0.3, sigma=0.5, start_label=0, channel_axis=-1
    )


def explain(net, image: np.ndarray, label: int, samples: int, n_segments: int, seed: int) -> dict:
    """Segments (28, 28) and the weight of each segment for `label`."""
    from lime import lime_image

    def classify(batch: np.ndarray) -> np.ndarray:
        logits = net.predict(batch[..., :1].astype(np.float32), batch_size=500, verbose=0)
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    rgb = np.repeat(model.as_input(image[None])[0], 3, axis=-1).astype(np.float64)
    explainer = lime_image.LimeImageExplainer(random_state=seed)
    explanation = explainer.explain_instance(
        rgb,
        classify,
        labels=(label,),
        top_labels=None,
        hide_color=0,
        num_samples=samples,
        segmentation_fn=segmenter(n_segments),
        random_seed=seed,
        # LIME's default batch of 10 calls Keras 100 times for 1,000 samples (10 s here);
        # the samples are drawn before batching, so the batch size does not change the result.
        batch_size=min(samples, 1000),
    )
    segments = explanation.segments.astype(np.int32)
    weights = np.zeros(segments.max() + 1, np.float32)
    for segment, weight in explanation.local_exp[label]:
        weights[segment] = weight
    return {
        "segments": segments,
        "weights": weights,
        "score": float(explanation.score[label] if isinstance(explanation.score, dict) else explanation.score),
    }


def compute(inputs: dict, params: dict, out: Path, log) -> dict:
    """Cache step ``lime[digit=...]``: segments and weights for one test digit, as ``lime.npz``."""
    images, labels, _ = dataset.evaluation_split(dataset.load_arrays(inputs[DATASET]))
    logits, _ = model.load_logits(inputs[PREDICTIONS])
    at = model.select(logits, labels, params["digit"], params["index"], params["misclassified"])
    label, predicted = int(labels[at]), int(logits[at].argmax())
    net = model.load(inputs[MODEL])
    # The class the model chose: for a misclassified digit, LIME shows what led to the mistake.
    result = explain(net, images[at], predicted, params["samples"], params["segments"], params["seed"])
    save_arrays(
        out / "lime.npz", segments=result["segments"], weights=result["weights"], image=images[at],
        label=np.int64(label), index=np.int64(at), predicted=np.int64(predicted),
    )  # fmt: skip
    log.info("lime: test digit %d, %d segments, local fit R^2 %.2f", at, len(result["weights"]), result["score"])
    return {"segments": int(len(result["weights"])), "score": round(result["score"], 4), "index": int(at),
            "label": label, "predicted": predicted, "samples": params["samples"]}  # fmt: skip


def load(entry) -> dict[str, np.ndarray]:
    """The arrays of one ``lime`` entry: segments (28, 28), weights, image, label, predicted, index."""
    return entry.arrays("lime.npz")
