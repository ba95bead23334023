#include <git2.h>
#include <pthread.h>
#include "cgitstartup.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void initialize(void) {
    git_libgit2_init();
    /* Keep whole trees in the object cache (the default limit is 4 KiB a tree), so that
       walking two trees and then diffing the changed part reads each tree once. */
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
}

void mlgate_git_initialize(void) {
    pthread_once(&once, initialize);
}
