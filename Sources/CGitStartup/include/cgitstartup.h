#ifndef MLGATE_CGITSTARTUP_H
#define MLGATE_CGITSTARTUP_H

/// Initialises libgit2 once, on the calling thread, the first time it is called; later
/// calls (from any thread) return at once. Nothing is started when the program loads: a
/// thread still initialising libgit2 (and, through it, libssh2 and libcrypto) while the
/// process exits crashed short commands at random.
void mlgate_git_initialize(void);

#endif
