/**
 * A sha256 of a sparse image file that reads only its data: the holes' places and the data's
 * bytes. Hashing a 2 GiB card image byte by byte takes half a minute on a busy machine; its
 * written part is a few MiB. Any write into the file (even of zeros into a hole) changes it.
 * Node has no SEEK_DATA; Python's os.lseek has.
 */
import { execFileSync } from 'node:child_process';

const PROGRAM = `
import hashlib, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
end = os.fstat(fd).st_size
digest = hashlib.sha256(b"size %d" % end)
pos = 0
while pos < end:
    try:
        start = os.lseek(fd, pos, os.SEEK_DATA)
    except OSError:
        break
    stop = os.lseek(fd, start, os.SEEK_HOLE)
    digest.update(b"data at %d" % start)
    os.lseek(fd, start, os.SEEK_SET)
    left = stop - start
    while left:
        chunk = os.read(fd, min(left, 8 << 20))
        digest.update(chunk)
        left -= len(chunk)
    pos = stop
print(digest.hexdigest())
`;

export function sparseFileDigest(file: string): string {
  return execFileSync('python3', ['-c', PROGRAM, file], { encoding: 'utf8' }).trim();
}
