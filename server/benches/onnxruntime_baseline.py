"""ONNX Runtime baseline for the detector benchmark (bench harness only, never the product).

Times the same YOLOv8s weights that the Rust benchmark runs, on the same input, and prints one
JSON object per batch size: {"batch": n, "ms_per_image": x, "threads": t, "version": v}.

The shipped export has a fixed input of [1, 3, 640, 640], so a batch of n is n consecutive
single-image runs.
"""
import argparse
import json
import statistics
import time

import numpy as np
import onnxruntime as ort


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True, help="raw little-endian f32 [1,3,640,640]")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    image = np.fromfile(args.input, dtype="<f4").reshape(1, 3, 640, 640)

    for _ in range(3):
        session.run(None, {name: image})
    for batch in args.batches:
        samples = []
        for _ in range(max(1, args.runs // batch)):
            start = time.perf_counter()
            for _ in range(batch):
                session.run(None, {name: image})
            samples.append((time.perf_counter() - start) * 1000 / batch)
        print(json.dumps({
            "batch": batch,
            "ms_per_image": statistics.median(samples),
            "threads": args.threads,
            "version": ort.__version__,
        }))


if __name__ == "__main__":
    main()
