#include <stdint.h>
#include <sys/types.h>
#include <sys/time.h>
#include <nfsc/libnfs.h>
// NFS_V3 / NFS_V4 live in libnfs-raw-nfs{,4}.h, which libnfs.h does not include.
static const int CNFS_V3 = 3;
static const int CNFS_V4 = 4;
