/* Readable unique container names: debian-bookworm-gloopy-peanut-4521. */
#ifndef PAKS_NAMES_H
#define PAKS_NAMES_H

#include <stdint.h>

#include "imageref.h"

char	*names_container(const struct imageref *, uint32_t);
uint32_t names_random(void);

#endif
