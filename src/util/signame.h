/* Signal names without "SIG", from paks's own table. */
#ifndef PAKS_SIGNAME_H
#define PAKS_SIGNAME_H

const char	*signame(int);

#endif
