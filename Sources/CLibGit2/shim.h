#ifndef MLGATE_CLIBGIT2_SHIM_H
#define MLGATE_CLIBGIT2_SHIM_H
#include <git2.h>
#endif
