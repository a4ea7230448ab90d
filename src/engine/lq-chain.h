/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * A processing chain as data: an ordered list of elements, each a GStreamer factory name
 * (lqeq, lqcompressor, lqlimiter, ...), a bypass flag and property settings kept as strings in
 * GStreamer's serialization ("-1.0", "rms", "true"), so any element property can be stored,
 * compared, saved and applied, including child-proxy names like "band0::gain".
 */

#define LQ_TYPE_CHAIN_ELEMENT (lq_chain_element_get_type ())
G_DECLARE_FINAL_TYPE (LqChainElement, lq_chain_element, LQ, CHAIN_ELEMENT, GObject)

#define LQ_TYPE_CHAIN (lq_chain_get_type ())
G_DECLARE_FINAL_TYPE (LqChain, lq_chain, LQ, CHAIN, GObject)

LqChainElement *lq_chain_element_new            (const char      *factory);
const char     *lq_chain_element_get_factory    (LqChainElement  *self);
gboolean        lq_chain_element_get_bypass     (LqChainElement  *self);
void            lq_chain_element_set_bypass     (LqChainElement  *self,
                                                 gboolean         bypass);
const char     *lq_chain_element_get            (LqChainElement  *self,
                                                 const char      *property);
void            lq_chain_element_set            (LqChainElement  *self,
                                                 const char      *property,
                                                 const char      *value);
void            lq_chain_element_set_double     (LqChainElement  *self,
                                                 const char      *property,
                                                 double           value);
GStrv           lq_chain_element_list_properties (LqChainElement *self);
GstElement     *lq_chain_element_instantiate    (LqChainElement  *self,
                                                 GError         **error);
gboolean        lq_chain_element_apply          (LqChainElement  *self,
                                                 GstElement      *element,
                                                 GError         **error);

LqChain        *lq_chain_new                    (void);
int             lq_chain_get_snapshots          (LqChain         *self,
                                                 const char     **other);
void            lq_chain_set_snapshots          (LqChain         *self,
                                                 int              held,
                                                 const char      *other);
guint           lq_chain_get_n_elements         (LqChain         *self);
LqChainElement *lq_chain_get_element            (LqChain         *self,
                                                 guint            position);
LqChainElement *lq_chain_find                   (LqChain         *self,
                                                 const char      *factory);
void            lq_chain_append                 (LqChain         *self,
                                                 LqChainElement  *element);
void            lq_chain_insert                 (LqChain         *self,
                                                 guint            position,
                                                 LqChainElement  *element);
void            lq_chain_remove                 (LqChain         *self,
                                                 guint            position);
void            lq_chain_move                   (LqChain         *self,
                                                 guint            from,
                                                 guint            to);

JsonNode       *lq_chain_to_json                (LqChain         *self);
JsonNode       *lq_chain_value_to_json          (const char      *value);
LqChain        *lq_chain_new_from_json          (JsonNode        *node,
                                                 GError         **error);

G_END_DECLS
