#ifndef MLGATE_CGITSTARTUP_H
#define MLGATE_CGITSTARTUP_H

/// Blocks until libgit2 is initialised. Initialisation starts on a background thread when
/// the program is loaded (Debian's libgit2 parses the system CA bundle there, ~10 ms), so it
/// overlaps the rest of start-up. Safe to call any number of times, from any thread.
void mlgate_git_wait_initialized(void);

#endif
