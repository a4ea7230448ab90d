/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * LqGstField:
 * @offset: where the property's value lives in the instance struct
 * @size: the size of that field (checked against the property's type when it is installed)
 *
 * Ties a property of a #GstObject to a field of its instance struct, so the generic
 * lq_gst_util_get_property() and lq_gst_util_set_property() can read and write it under
 * GST_OBJECT_LOCK. Fields are stored as the GValue holds them: gboolean, gint, guint, gint64,
 * guint64, double, and enums as gint (an enum field must have the size of an int). Make them
 * with LQ_GST_FIELD(); an entry of zeros means "no field" (the class handles the property).
 */
typedef struct
{
  gsize offset;
  gsize size;
} LqGstField;

/* The field @member (which may be nested, "props.threshold", or an array element,
 * "props.xover[1]") of the instance struct @Type. */
#define LQ_GST_FIELD(Type, member) \
  { G_STRUCT_OFFSET (Type, member), sizeof (((Type *) NULL)->member) }

/* Copies @src to @dest (lvalues of the same type) under GST_OBJECT_LOCK of @object. */
#define LQ_GST_COPY_LOCKED(object, dest, src) \
  G_STMT_START                                \
  {                                           \
    GST_OBJECT_LOCK (object);                 \
    (dest) = (src);                           \
    GST_OBJECT_UNLOCK (object);               \
  }                                           \
  G_STMT_END

void     lq_gst_util_install_properties     (GObjectClass     *object_class,
                                             guint             n_pspecs,
                                             GParamSpec      **pspecs,
                                             const LqGstField *fields);
void     lq_gst_util_init_fields            (GstObject        *object,
                                             guint             n_pspecs,
                                             GParamSpec      **pspecs);
void     lq_gst_util_get_property           (GObject          *object,
                                             guint             prop_id,
                                             GValue           *value,
                                             GParamSpec       *pspec);
void     lq_gst_util_set_property           (GObject          *object,
                                             guint             prop_id,
                                             const GValue     *value,
                                             GParamSpec       *pspec);
gboolean lq_gst_util_set_field              (GObject          *object,
                                             const GValue     *value,
                                             GParamSpec       *pspec);

void     lq_gst_util_class_set_bands        (GObjectClass     *object_class,
                                             GType             band_type,
                                             gsize             offset,
                                             guint             n_bands);
void     lq_gst_util_init_bands             (GstObject        *object);
void     lq_gst_util_dispose_bands          (GstObject        *object);
void     lq_gst_util_sync_bands             (GstBaseTransform *trans,
                                             GstBuffer        *buffer);
void     lq_gst_util_bands_child_proxy_init (GstChildProxyInterface *iface);

G_END_DECLS
