#define FUSE_USE_VERSION 31          // must precede <fuse.h>
#include <fuse.h>
#include <sys/stat.h>
// fuse_main() is a macro (it passes sizeof(*op)); Swift cannot import it.
static inline int cfuse_main(int argc, char *argv[], const struct fuse_operations *op, void *private_data) {
    return fuse_main(argc, argv, op, private_data);
}
static const long CFUSE_UTIME_NOW = UTIME_NOW;   // Swift's Glibc does not surface these
static const long CFUSE_UTIME_OMIT = UTIME_OMIT;
