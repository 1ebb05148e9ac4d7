"""Django's Redis cache, with one connection pool and one redis-py client per process.

Django keeps its cache objects in a context-local: each request served through
asgiref's sync-to-async threads runs in a new context, so it built a new cache object,
a new connection pool and a new connection to Redis (a TCP handshake and redis-py's
``HELLO`` and ``CLIENT SETINFO`` before the first command) for every request. Here the
pools live with the process, keyed by server and options, and are shared by every
cache object; redis-py's pools are thread-safe and start afresh in a forked child.

Django also built a new ``redis.Redis`` for every cache call; with redis-py 8 that
builds its table of several hundred response callbacks each time, about a
millisecond, which every throttled API request paid twice. Each shared pool has one
client as well (each command takes its own connection from the pool).
"""

import threading

from django.core.cache.backends import redis

_pools: dict[str, object] = {}
_clients: dict[int, object] = {}
_lock = threading.Lock()


class SharedPoolRedisCacheClient(redis.RedisCacheClient):
    def _get_connection_pool(self, write):
        server = self._servers[self._get_connection_pool_index(write)]
        key = repr((server, self._pool_class, sorted(self._pool_options.items())))
        pool = _pools.get(key)
        if pool is None:
            with _lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(server, **self._pool_options)
        return pool

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = _clients.get(id(pool))
        if client is None:
            with _lock:
                client = _clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


# A sliding window of hits under one key, kept as a sorted set scored by time: drop the
# hits older than the window, then count and add this one only if under the limit. One
# round trip, and atomic, so concurrent requests can never pass the limit together.
_WINDOW_HIT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < tonumber(ARGV[3]) then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
    return {1, count + 1, ''}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, count, oldest[2]}
"""
_scripts: dict[int, object] = {}


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient

    def window_hit(self, key: str, *, now: float, window: float, limit: int, hit: str):
        """Count a hit named ``hit`` at ``now`` against ``limit`` per ``window`` seconds.

        Returns whether it was let in, the hits in the window, and when the oldest of
        them came (None when let in).
        """
        client = self._cache.get_client(write=True)
        script = _scripts.get(id(client))
        if script is None:
            script = _scripts.setdefault(id(client), client.register_script(_WINDOW_HIT))
        allowed, count, oldest = script(
            keys=[self.make_and_validate_key(key)], args=[repr(now), window, limit, hit]
        )
        return bool(allowed), int(count), float(oldest) if oldest else None
