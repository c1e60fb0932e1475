/* paks-gendoc: the man pages and shell completions, from the tables. */
#ifndef PAKS_GENDOC_H
#define PAKS_GENDOC_H

#include <stdio.h>

#include "util/error.h"

FILE *gendoc_open(const char *, const char *, struct paks_error **);
int gendoc_close(FILE *, const char *, struct paks_error **);

/* gendoc-man.c: DIR and the host commands' names, as meson named them */
int gendoc_man(const char *, int, char **, struct paks_error **);
/* gendoc-comp.c: bash's paks, zsh's _paks and fish's paks.fish in DIR */
int gendoc_completions(const char *, struct paks_error **);

#endif
