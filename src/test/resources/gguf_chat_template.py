"""Prints the tokenizer.chat_template string of a GGUF file (UTF-8, nothing else) — a test-only reader."""
import struct
import sys

SCALAR_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}


def main(path):
    with open(path, "rb") as f:
        def read(fmt):
            return struct.unpack("<" + fmt, f.read(struct.calcsize("<" + fmt)))[0]

        def read_string():
            return f.read(read("Q")).decode("utf-8")

        def skip_value(kind):
            if kind == 8:
                f.seek(read("Q"), 1)
            elif kind == 9:
                element_kind, count = read("I"), read("Q")
                if element_kind in SCALAR_SIZES:
                    f.seek(SCALAR_SIZES[element_kind] * count, 1)
                else:
                    for _ in range(count):
                        skip_value(element_kind)
            else:
                f.seek(SCALAR_SIZES[kind], 1)

        if f.read(4) != b"GGUF":
            sys.exit("not a GGUF file: " + path)
        read("I")  # version
        read("Q")  # tensor count
        for _ in range(read("Q")):
            key, kind = read_string(), read("I")
            if key == "tokenizer.chat_template" and kind == 8:
                sys.stdout.buffer.write(read_string().encode("utf-8"))
                return
            skip_value(kind)
    sys.exit("no tokenizer.chat_template in " + path)


if __name__ == "__main__":
    main(sys.argv[1])
