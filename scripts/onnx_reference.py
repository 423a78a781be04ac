"""ONNX Runtime's output for a batch of letterboxed images (test reference, never the product).

server/tests/parity.rs checks the detector's raw head output against this. The input is raw
little-endian f32 of shape [n, 3, size, size]; the output, written to --output, is the model's
first output for each image in turn, raw little-endian f32 ([n, 4 + classes, anchors]). The
shipped export has a fixed batch of 1, so the images run one at a time. One line of JSON on
stdout gives the output's shape and ONNX Runtime's version.
"""
import argparse
import json

import numpy as np
import onnxruntime as ort


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--size", type=int, default=640)
    args = parser.parse_args()

    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    images = np.fromfile(args.input, dtype="<f4").reshape(-1, 3, args.size, args.size)
    outputs = [session.run(None, {name: image[None]})[0] for image in images]
    stacked = np.concatenate(outputs).astype("<f4")
    stacked.tofile(args.output)
    print(json.dumps({"shape": list(stacked.shape), "version": ort.__version__}))


if __name__ == "__main__":
    main()
