#include <git2.h>
#include <pthread.h>
#include "cgitstartup.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static int state = 0; /* 0 not started, 1 running, 2 done */

static void *initialize(void *unused) {
    (void)unused;
    git_libgit2_init();
    /* Keep whole trees in the object cache (the default limit is 4 KiB a tree), so that
       walking two trees and then diffing the changed part reads each tree once. */
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
    pthread_mutex_lock(&lock);
    state = 2;
    pthread_cond_broadcast(&done);
    pthread_mutex_unlock(&lock);
    return NULL;
}

__attribute__((constructor)) static void start_initialization(void) {
    pthread_t thread;
    pthread_mutex_lock(&lock);
    if (state == 0) {
        state = 1;
        if (pthread_create(&thread, NULL, initialize, NULL) == 0) {
            pthread_detach(thread);
        } else {
            state = 0;
        }
    }
    pthread_mutex_unlock(&lock);
}

void mlgate_git_wait_initialized(void) {
    pthread_mutex_lock(&lock);
    if (state == 0) {
        /* No thread could be started at load time: initialise here. */
        state = 1;
        pthread_mutex_unlock(&lock);
        initialize(NULL);
        return;
    }
    while (state != 2) pthread_cond_wait(&done, &lock);
    pthread_mutex_unlock(&lock);
}
