# Attack: forge protocol lines on the worker's own channel (its nonce is in memory): a parse bomb of tiny
# items, a second hello, an absurd duration. The grader must refuse them without spending its memory.
import gc
import json
import os

def attack():
    job = next(o for o in gc.get_objects() if isinstance(o, dict) and "nonce" in o and "probes" in o)
    bomb = "[" + ",".join(["{}"] * 2_000_000) + "]"  # bounded: 6 MB of text
    line = json.dumps({"type": "observation", "key": "attack{}", "seconds": 0, "output": "", "nonce": job["nonce"]})
    line = line[:-1] + ', "value": ' + bomb + "}\n"
    try:
        os.write(3, line.encode())
    except OSError:
        pass
    return {"sent": len(line)}
