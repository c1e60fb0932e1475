/* Where the plugins that come with this paks binary are. */
#ifndef PAKS_PATHS_EXE_H
#define PAKS_PATHS_EXE_H

char *paths_bundled_plugins(void); /* beside the binary, or NULL */

#endif
