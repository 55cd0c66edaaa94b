/* core_subscribers.h - the core modules' reactions to domain events. */
#ifndef SAIETS_CORE_SUBSCRIBERS_H
#define SAIETS_CORE_SUBSCRIBERS_H

/* Subscribes the core modules, in their documented order (see
 * core_subscribers.c), before any plugin.  Called once at start by whoever
 * writes (the server, the CLI, tests); calling it again does nothing. */
void events_subscribe_core(void);

#endif
