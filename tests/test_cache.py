from django.core.cache import cache


def test_the_redis_cache_reuses_its_client_and_still_works():
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    cache.set("shortbook-cache-check", {"price": "1.5"}, timeout=30)
    assert cache.get("shortbook-cache-check") == {"price": "1.5"}
    assert cache.add("shortbook-cache-check", "other") is False
    cache.delete("shortbook-cache-check")
    assert cache.get("shortbook-cache-check") is None
