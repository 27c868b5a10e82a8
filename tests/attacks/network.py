# Attack: reach the network: the host's loopback, an outside address, a listening socket.
import socket

def attack():
    reached = []
    for host, port in (("127.0.0.1", TARGETS["port"]), ("8.8.8.8", 53), ("::1", TARGETS["port"])):
        try:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(2)
                s.connect((host, port))
                reached.append(f"{host}:{port}")
        except OSError:
            pass
    return {"reached": reached}
