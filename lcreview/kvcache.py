"""A KV-cache memory model for decoder-only transformers.

bytes = 2 (keys and values) x layers x KV heads x head dimension x bytes per value x tokens x batch
"""
from __future__ import annotations

import numpy as np
import pandas as pd

GB = 1e9     # decimal gigabytes, as accelerator memory is marketed (80 GB, 141 GB)


def kv_cache_bytes(layers: int, kv_heads: int, head_dim: int, tokens, batch: int = 1,
                   bytes_per_value: float = 2):
    """Bytes held by the KV cache; ``tokens`` may be a number or an array."""
    for name, v in (("layers", layers), ("kv_heads", kv_heads), ("head_dim", head_dim), ("batch", batch)):
        if v < 1:
            raise ValueError(f"{name} must be at least 1, got {v}")
    return 2 * layers * kv_heads * head_dim * bytes_per_value * np.asarray(tokens, dtype=float) * batch


def bytes_per_token(config) -> float:
    """KV-cache bytes per token of one sequence for a row of ``data/model_configs.csv`` (16-bit values)."""
    return float(kv_cache_bytes(int(config["layers"]), int(config["kv_heads"]), int(config["head_dim"]), 1))


def curve(configs: pd.DataFrame, tokens, batch: int = 1, bytes_per_value: float = 2) -> pd.DataFrame:
    """Long table: model, tokens, kv_gb for each configuration and each length."""
    rows = []
    for _, c in configs.iterrows():
        b = kv_cache_bytes(int(c["layers"]), int(c["kv_heads"]), int(c["head_dim"]), tokens, batch, bytes_per_value)
        for t, v in zip(np.atleast_1d(tokens), np.atleast_1d(b)):
            rows.append({"model": c["model"], "attention": c["attention"], "tokens": int(t),
                         "batch": batch, "bytes_per_value": bytes_per_value, "kv_gb": v / GB})
    return pd.DataFrame(rows)


def max_tokens(config, memory_gb: float, batch: int = 1, bytes_per_value: float = 2) -> float:
    """Tokens whose KV cache fills ``memory_gb`` (weights and activations not counted)."""
    return memory_gb * GB / (bytes_per_token(config) / 2 * bytes_per_value * batch)
