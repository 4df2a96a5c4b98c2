"""The KV-cache memory model against values computed by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from lcreview import kvcache, load


def config(name):
    table = load.model_configs().set_index("model")
    return table.loc[name]


def test_llama2_7b_multi_head():
    # 2 (K and V) x 32 layers x 32 KV heads x 128 dims x 2 bytes = 524,288 bytes per token
    c = config("Llama-2-7B")
    assert kvcache.bytes_per_token(c) == 524_288
    # at its 4,096-token window: 524,288 x 4,096 = 2,147,483,648 bytes (2 GiB)
    assert kvcache.kv_cache_bytes(32, 32, 128, 4096) == 2_147_483_648


def test_llama3_8b_grouped_query():
    # 2 x 32 layers x 8 KV heads x 128 dims x 2 bytes = 131,072 bytes per token
    c = config("Llama-3-8B")
    assert kvcache.bytes_per_token(c) == 131_072
    # 128K tokens (131,072) -> 17,179,869,184 bytes = 16 GiB; batch of 4 -> 64 GiB
    assert kvcache.kv_cache_bytes(32, 8, 128, 131_072) == 17_179_869_184
    assert kvcache.kv_cache_bytes(32, 8, 128, 131_072, batch=4) == 68_719_476_736


def test_llama2_70b_grouped_query_and_fp8():
    # 2 x 80 layers x 8 KV heads x 128 dims x 1 byte (FP8) x 1,000,000 tokens = 163,840,000,000 bytes
    assert kvcache.kv_cache_bytes(80, 8, 128, 1_000_000, bytes_per_value=1) == 163_840_000_000


def test_curve_and_capacity():
    configs = pd.DataFrame([{"model": "toy", "attention": "GQA", "layers": 2, "kv_heads": 1, "head_dim": 4}])
    curve = kvcache.curve(configs, [1000, 2000])
    # 2 x 2 x 1 x 4 x 2 bytes = 32 bytes per token
    assert list(curve["kv_gb"]) == [32_000 / 1e9, 64_000 / 1e9]
    # 1 GB / 32 bytes per token = 31,250,000 tokens
    assert kvcache.max_tokens(configs.iloc[0], 1) == pytest.approx(31_250_000)


def test_rejects_nonsense_shapes():
    with pytest.raises(ValueError):
        kvcache.kv_cache_bytes(0, 8, 128, 1000)
