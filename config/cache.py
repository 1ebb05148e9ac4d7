"""Django's Redis cache, reusing one redis-py client per connection pool.

Django builds a new ``redis.Redis`` for every cache call; with redis-py 8 that
builds its table of several hundred response callbacks each time, about a
millisecond, which every throttled API request paid twice. The pools are shared
already; sharing the client that wraps each one is just as safe (redis-py clients
are thread-safe, each command takes its own connection from the pool).
"""

from django.core.cache.backends import redis


class PooledClientRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient
