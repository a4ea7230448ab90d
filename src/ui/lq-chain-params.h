/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "lq-chain.h"
#include "lq-history.h"

G_BEGIN_DECLS

/*
 * What the chain editors know about an element's settings, all read from the GStreamer
 * elements themselves: one prototype instance per factory (never run) gives every property's
 * GParamSpec (range, default, enum values), child-proxy settings ("band0::gain") included.
 * Values live in the LqChainElement as strings; these helpers read them back as GValues (the
 * element's default when unset) and write them through LqHistory in GStreamer's serialization
 * (enums as nicks, numbers rounded to the precision the editors show).
 *
 * Presets come from the resource lq-chain-presets.json: per factory, a list of named settings
 * and the settings a newly added element starts with.
 */

GstElement *lq_chain_params_get_prototype   (const char      *factory);
GParamSpec *lq_chain_params_find            (const char      *factory,
                                             const char      *property);
GPtrArray  *lq_chain_params_list            (const char      *factory);
gboolean    lq_chain_params_is_editable     (GParamSpec      *pspec);
gboolean    lq_chain_params_get_value       (LqChainElement  *element,
                                             const char      *property,
                                             GValue          *value);
double      lq_chain_params_get_double      (LqChainElement  *element,
                                             const char      *property);
char       *lq_chain_params_serialize       (GParamSpec      *pspec,
                                             const GValue    *value);
char       *lq_chain_params_serialize_double (GParamSpec     *pspec,
                                             double           value);
gboolean    lq_chain_params_set_double      (LqHistory       *history,
                                             LqChainElement  *element,
                                             const char      *property,
                                             double           value);
gboolean    lq_chain_params_set_value       (LqHistory       *history,
                                             LqChainElement  *element,
                                             const char      *property,
                                             const GValue    *value);
char       *lq_chain_params_get_label       (LqChainElement  *element,
                                             const char      *property);
guint       lq_chain_params_get_digits      (GParamSpec      *pspec);
const char *lq_chain_params_get_unit        (GParamSpec      *pspec);
gboolean    lq_chain_params_is_log          (GParamSpec      *pspec);
char       *lq_chain_params_get_title       (const char      *factory);
gboolean    lq_chain_params_reset           (LqHistory       *history,
                                             LqChainElement  *element);

GStrv       lq_chain_presets_list           (const char      *factory);
gboolean    lq_chain_presets_apply          (LqHistory       *history,
                                             LqChainElement  *element,
                                             const char      *name);
LqChainElement *lq_chain_presets_new_element (const char     *factory);

G_END_DECLS
