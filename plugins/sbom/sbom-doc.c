/* The documents: SPDX 2.3 JSON and CycloneDX 1.5 JSON, built with jansson. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sbom.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define TOOL_NAME "paks-sbom"

/* SPDX ids allow letters, digits, '.' and '-'. */
static char *
spdx_id(const struct sbom_pkg *p, size_t i)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "SPDXRef-Package-%s-", p->type);
	for (const char *c = p->name; *c; c++)
		strbuf_addch(&sb, isalnum((unsigned char)*c) || *c == '.' ||
		    *c == '-' ? *c : '-');
	strbuf_addf(&sb, "-%zu", i + 1);
	return strbuf_detach(&sb);
}

/* "Name <mail>" to "Name" and "mail". */
static void
split_contact(const char *s, char **name, char **mail)
{
	const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	size_t n = lt && gt ? (size_t)(lt - s) : strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	*name = xstrndup(s, n);
	*mail = lt && gt ? xstrndup(lt + 1, (size_t)(gt - lt - 1)) : NULL;
}

/* An SPDX supplier: "Organization: team (mail)", "Person: ...". */
static char *
spdx_supplier(const char *s)
{
	_cleanup_free_ char *name = NULL, *mail = NULL;
	const char *kind;

	if (s == NULL || *s == '\0')
		return xstrdup("NOASSERTION");
	split_contact(s, &name, &mail);
	if (*name == '\0')
		return xstrdup("NOASSERTION");
	kind = strstr(name, "Team") || strstr(name, "Maintainers") ||
	    strstr(name, "Developers") || strstr(name, "Project") ||
	    strstr(name, "team") ? "Organization" : "Person";
	if (mail != NULL && *mail != '\0')
		return xasprintf("%s: %s (%s)", kind, name, mail);
	return xasprintf("%s: %s", kind, name);
}

/* The image as an SPDX id and a namespace component. */
static char *
safe_name(const char *image)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *c = image; *c; c++)
		strbuf_addch(&sb, isalnum((unsigned char)*c) || *c == '.' ||
		    *c == '-' ? *c : '-');
	return strbuf_detach(&sb);
}

/*
 * SPDX 2.3: the document describes the container image (a package of
 * purpose CONTAINER), which CONTAINS each package found.
 */
json_t *
sbom_spdx(const struct sbom *s, const char *image, const char *created,
    const char *uuid)
{
	_cleanup_free_ char *safe = safe_name(image);
	_cleanup_free_ char *root_id = xasprintf("SPDXRef-Image-%s", safe);
	json_t *doc = json_object(), *pkgs = json_array(), *rels = json_array();
	json_t *root;

	json_object_set_new(doc, "spdxVersion", json_string("SPDX-2.3"));
	json_object_set_new(doc, "dataLicense", json_string("CC0-1.0"));
	json_object_set_new(doc, "SPDXID", json_string("SPDXRef-DOCUMENT"));
	json_object_set_new(doc, "name", json_string(image));
	json_object_set_new(doc, "documentNamespace", json_sprintf(
	    "https://paks.invalid/spdxdocs/%s-%s", safe, uuid));
	json_object_set_new(doc, "creationInfo", json_pack(
	    "{s:s, s:[s]}", "created", created, "creators",
	    "Tool: " TOOL_NAME "-" SBOM_VERSION));

	root = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s}",
	    "name", image, "SPDXID", root_id, "downloadLocation",
	    "NOASSERTION", "filesAnalyzed", 0, "licenseConcluded",
	    "NOASSERTION", "licenseDeclared", "NOASSERTION", "copyrightText",
	    "NOASSERTION", "primaryPackagePurpose", "CONTAINER");
	json_array_append_new(pkgs, root);
	json_array_append_new(rels, json_pack("{s:s, s:s, s:s}",
	    "spdxElementId", "SPDXRef-DOCUMENT", "relationshipType",
	    "DESCRIBES", "relatedSpdxElement", root_id));

	for (size_t i = 0; i < s->n; i++) {
		const struct sbom_pkg *p = &s->v[i];
		_cleanup_free_ char *id = spdx_id(p, i);
		_cleanup_free_ char *purl = sbom_purl(s, p);
		_cleanup_free_ char *supplier = spdx_supplier(p->supplier);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, "
		    "s:s, s:s, s:[{s:s, s:s, s:s}]}",
		    "name", p->name, "SPDXID", id, "versionInfo", p->version,
		    "supplier", supplier, "downloadLocation", "NOASSERTION",
		    "filesAnalyzed", 0, "licenseConcluded", "NOASSERTION",
		    "licenseDeclared", p->license ? p->license : "NOASSERTION",
		    "copyrightText", "NOASSERTION", "externalRefs",
		    "referenceCategory", "PACKAGE-MANAGER", "referenceType",
		    "purl", "referenceLocator", purl);

		if (o == NULL)
			BUG("json_pack failed for package %zu", i);
		if (p->source != NULL && strcmp(p->source, p->name) != 0)
			json_object_set_new(o, "sourceInfo", json_sprintf(
			    "built from %s source %s", p->type, p->source));
		json_array_append_new(pkgs, o);
		json_array_append_new(rels, json_pack("{s:s, s:s, s:s}",
		    "spdxElementId", root_id, "relationshipType", "CONTAINS",
		    "relatedSpdxElement", id));
	}
	json_object_set_new(doc, "packages", pkgs);
	json_object_set_new(doc, "relationships", rels);
	return doc;
}

/* CycloneDX 1.5: metadata.component is the image; components, packages. */
json_t *
sbom_cyclonedx(const struct sbom *s, const char *image, const char *created,
    const char *uuid)
{
	json_t *doc = json_object(), *comps = json_array();

	json_object_set_new(doc, "bomFormat", json_string("CycloneDX"));
	json_object_set_new(doc, "specVersion", json_string("1.5"));
	json_object_set_new(doc, "serialNumber",
	    json_sprintf("urn:uuid:%s", uuid));
	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "metadata", json_pack(
	    "{s:s, s:{s:[{s:s, s:s, s:s}]}, s:{s:s, s:s, s:s}}",
	    "timestamp", created, "tools", "components", "type",
	    "application", "name", TOOL_NAME, "version", SBOM_VERSION,
	    "component", "type", "container", "bom-ref", "image", "name",
	    image));
	for (size_t i = 0; i < s->n; i++) {
		const struct sbom_pkg *p = &s->v[i];
		_cleanup_free_ char *id = spdx_id(p, i);
		_cleanup_free_ char *purl = sbom_purl(s, p);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type",
		    "library", "bom-ref", id + strlen("SPDXRef-"), "name",
		    p->name, "version", p->version, "purl", purl);
		json_t *props = json_array();

		if (p->supplier != NULL && *p->supplier != '\0') {
			_cleanup_free_ char *name = NULL, *mail = NULL;
			split_contact(p->supplier, &name, &mail);
			json_object_set_new(o, "supplier", json_pack("{s:s}",
			    "name", name));
		}
		if (p->license != NULL)
			json_object_set_new(o, "licenses", json_pack(
			    "[{s:s}]", "expression", p->license));
		json_array_append_new(props, json_pack("{s:s, s:s}", "name",
		    "paks:package:type", "value", p->type));
		if (p->arch != NULL)
			json_array_append_new(props, json_pack("{s:s, s:s}",
			    "name", "paks:package:arch", "value", p->arch));
		if (p->source != NULL)
			json_array_append_new(props, json_pack("{s:s, s:s}",
			    "name", "paks:package:source", "value",
			    p->source));
		json_object_set_new(o, "properties", props);
		json_array_append_new(comps, o);
	}
	json_object_set_new(doc, "components", comps);
	return doc;
}
