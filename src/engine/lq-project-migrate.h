/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Project file formats (docs/project-format.md):
 *
 * 1. The first format. A chain element listed only the settings a user had changed; anything
 *    left out meant the element's default of the day.
 * 2. Every chain element (master, track chains, stem strips) lists every setting, so a
 *    project sounds the same whatever later versions of Lacquer choose as defaults.
 *
 * Loading an older file migrates its JSON in place, one version at a time, before it is read.
 */
typedef struct
{
  const char *factory; /* the element, "lqeq" */
  const char *name;    /* the setting, "band0::gain" */
  const char *value;   /* its value in LqChainElement's form */
} LqFormatDefault;

extern const LqFormatDefault lq_format1_defaults[];
extern const gsize lq_format1_n_defaults;

gboolean lq_project_json_migrate  (JsonObject  *root,
                                   gint64       version,
                                   GError     **error);
void     lq_project_json_complete (JsonObject  *root);

G_END_DECLS
