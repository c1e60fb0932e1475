/*
 * #command lines: is this one, and its words.
 *
 * A #command is '#' then a letter ("#save"); "# TODO", "#!", "##" are
 * comments. Words split like a shell's, without any expansion: blanks
 * separate, '...' is literal, "..." honours \" \\ \$ \`, and a backslash
 * outside quotes takes the next character. Nothing is expanded, so a
 * value with $HOME or $(...) arrives as typed.
 */
#include <ctype.h>
#include <string.h>

#include "hashline.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

bool
hashline_is_command(const char *line)
{
	return line[0] == '#' && isalpha((unsigned char)line[1]);
}

int
hashline_split(const char *line, struct strv *out, struct paks_error **err)
{
	_cleanup_strbuf_ struct strbuf w = STRBUF_INIT;
	const char *p = line;
	bool inword = false;

	if (*p == '#')
		p++;
	for (; *p; p++) {
		char c = *p;

		if (c == ' ' || c == '\t') {
			if (inword)
				strv_push(out, strbuf_str(&w));
			strbuf_reset(&w);
			inword = false;
			continue;
		}
		inword = true;
		if (c == '\\') {
			if (p[1] == '\0')
				return paks_error_set(err, 0, "the line ends "
				    "with a lone backslash");
			strbuf_addch(&w, *++p);
		} else if (c == '\'') {
			const char *end = strchr(p + 1, '\'');
			if (end == NULL)
				return paks_error_set(err, 0, "unterminated "
				    "single quote");
			strbuf_add(&w, p + 1, (size_t)(end - p - 1));
			p = end;
		} else if (c == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0' &&
				    strchr("\"\\$`", p[1]) != NULL)
					p++;
				strbuf_addch(&w, *p);
			}
			if (*p == '\0')
				return paks_error_set(err, 0, "unterminated "
				    "double quote");
		} else
			strbuf_addch(&w, c);
	}
	if (inword)
		strv_push(out, strbuf_str(&w));
	return 0;
}
