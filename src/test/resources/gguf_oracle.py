"""Independent GGUF header reader used as a test oracle: prints JSON with the metadata keys and value types,
the tensor names, types and shapes of a GGUF file. Written from the GGUF format description only."""
import json
import struct
import sys

SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
TYPE_NAMES = ["UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32", "BOOL", "STRING", "ARRAY",
              "UINT64", "INT64", "FLOAT64"]


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.data, self.pos)[0]
        self.pos += struct.calcsize(fmt)
        return v

    def string(self):
        n = self.take("<Q")
        s = self.data[self.pos:self.pos + n].decode("utf-8", errors="replace")
        self.pos += n
        return s

    def value(self, t):
        if t == 8:
            return self.string()
        if t == 9:
            et, n = self.take("<I"), self.take("<Q")
            return {"element_type": TYPE_NAMES[et], "length": n, "items": [self.value(et) for _ in range(n)]}
        return self.take(SCALARS[t])


def main(path):
    with open(path, "rb") as f:
        r = Reader(f.read())
    assert r.take("<I") == 0x46554747
    version, n_tensors, n_kv = r.take("<I"), r.take("<Q"), r.take("<Q")
    meta = {}
    for _ in range(n_kv):
        key = r.string()
        t = r.take("<I")
        v = r.value(t)
        meta[key] = {"type": TYPE_NAMES[t], "length": v["length"] if t == 9 else None}
    tensors = []
    for _ in range(n_tensors):
        name = r.string()
        dims = [r.take("<Q") for _ in range(r.take("<I"))]
        ttype, offset = r.take("<I"), r.take("<Q")
        tensors.append({"name": name, "shape": dims, "type_id": ttype, "offset": offset})
    print(json.dumps({"version": version, "metadata": meta, "tensors": tensors}))


if __name__ == "__main__":
    main(sys.argv[1])
