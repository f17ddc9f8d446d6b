/*
 * The signal handler sets a volatile sig_atomic_t and does nothing else
 * (OpenBSD style(9)); everything that follows happens in the engine's loop.
 */
#include "stop.h"

#include <string.h>

volatile sig_atomic_t stop_flag;

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void on_stop(int sig)
{
	stop_flag = sig;
}

static void set_all(void (*handler)(int))
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		/* `nohup amdahl ...` asked to live on after a hang-up: so it does. */
		if (handler != SIG_DFL && stop_signals[i] == SIGHUP && sigaction(SIGHUP, NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(stop_signals[i], &sa, NULL);
	}
}

void stop_install(void)
{
	set_all(on_stop);
}

void stop_default(void)
{
	set_all(SIG_DFL);
}
