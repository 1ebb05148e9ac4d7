from django.core.cache import cache


def test_the_redis_cache_reuses_its_client_and_still_works():
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    cache.set("shortbook-cache-check", {"price": "1.5"}, timeout=30)
    assert cache.get("shortbook-cache-check") == {"price": "1.5"}
    assert cache.add("shortbook-cache-check", "other") is False
    cache.delete("shortbook-cache-check")
    assert cache.get("shortbook-cache-check") is None


def test_a_window_lets_in_its_limit_and_says_when_the_oldest_leaves():
    key = "shortbook-window-check"
    cache.delete(key)
    hits = [
        cache.window_hit(key, now=1000.0 + n, window=60, limit=3, hit=f"h{n}") for n in range(4)
    ]
    assert [allowed for allowed, _, _ in hits] == [True, True, True, False]
    assert hits[3] == (False, 3, 1000.0)
    # Once the oldest hit is a window old it no longer counts.
    assert cache.window_hit(key, now=1060.0, window=60, limit=3, hit="h5")[0] is True
    assert cache.window_hit(key, now=1060.5, window=60, limit=3, hit="h6") == (False, 3, 1001.0)
    cache.delete(key)
