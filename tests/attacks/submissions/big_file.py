# Writes one file larger than the file-size limit.
def probe():
    try:
        with open("/tmp/big", "wb") as handle:
            for _ in range(64):
                handle.write(b"\0" * (1 << 20))
    except OSError as error:
        return error.strerror
    return "written"
