/*
 * The stop flag: the one mutable global of amdahl. SIGINT, SIGTERM and SIGHUP
 * only set it (to the signal's number); the engine polls it between messages,
 * ends the point under way, keeps every finished row and reports exit 130.
 */
#ifndef AMDAHL_STOP_H
#define AMDAHL_STOP_H

#include <signal.h>

extern volatile sig_atomic_t stop_flag;

/* Catch SIGINT, SIGTERM and SIGHUP into stop_flag (SIGHUP stays ignored under nohup). */
void stop_install(void);
/* Put those three back to their default in a child that is about to measure or exec. */
void stop_default(void);

#endif
