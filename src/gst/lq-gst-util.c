/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-util"

#include "config.h"

#include "lq-gst-util.h"

/**
 * SECTION:lq-gst-util
 * @title: Element helpers
 *
 * What Lacquer's processing elements share besides #LqAudioFilter:
 *
 * - properties kept in fields of the instance struct: install them with
 *   lq_gst_util_install_properties() and a table of #LqGstField, set their defaults with
 *   lq_gst_util_init_fields() (the #GParamSpec's default is the only place a default is
 *   written), and use lq_gst_util_get_property() and lq_gst_util_set_property() (or
 *   lq_gst_util_set_field() where setting one has a consequence) as the class's
 *   get_property and set_property; values are read and written under GST_OBJECT_LOCK;
 * - band child objects reached with #GstChildProxy as `band0`, `band1`, ..., as
 *   equalizer-nbands has them: describe them in class_init with
 *   lq_gst_util_class_set_bands(), implement the interface with
 *   lq_gst_util_bands_child_proxy_init(), create them with lq_gst_util_init_bands(),
 *   drop them with lq_gst_util_dispose_bands() and bring their controlled properties to
 *   each buffer's stream time with lq_gst_util_sync_bands() as the before_transform vfunc.
 */

/* ---- properties kept in fields ---- */

static GQuark
field_quark (void)
{
  return g_quark_from_static_string ("lq-gst-util-field");
}

/* The size of a field that holds a value of @type; 0 for a type fields cannot hold. */
static gsize
field_size (GType type)
{
  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_BOOLEAN:
      return sizeof (gboolean);
    case G_TYPE_INT:
    case G_TYPE_ENUM:
      return sizeof (gint);
    case G_TYPE_UINT:
      return sizeof (guint);
    case G_TYPE_INT64:
      return sizeof (gint64);
    case G_TYPE_UINT64:
      return sizeof (guint64);
    case G_TYPE_DOUBLE:
      return sizeof (double);
    default:
      return 0;
    }
}

/* The field @pspec is tied to in @object, or NULL. */
static gpointer
field_of (GObject    *object,
          GParamSpec *pspec)
{
  const LqGstField *field = g_param_spec_get_qdata (pspec, field_quark ());

  return field != NULL ? G_STRUCT_MEMBER_P (object, field->offset) : NULL;
}

/* Stores @value in the field at @p; returns whether the field's value changed. */
static gboolean
store (gpointer      p,
       const GValue *value)
{
  gboolean changed;

#define STORE(ctype, getter)          \
  {                                   \
    ctype v_ = getter (value);        \
    changed = *(ctype *) p != v_;     \
    *(ctype *) p = v_;                \
  }                                   \
  break

  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_BOOLEAN:
      STORE (gboolean, g_value_get_boolean);
    case G_TYPE_INT:
      STORE (gint, g_value_get_int);
    case G_TYPE_ENUM:
      STORE (gint, g_value_get_enum);
    case G_TYPE_UINT:
      STORE (guint, g_value_get_uint);
    case G_TYPE_INT64:
      STORE (gint64, g_value_get_int64);
    case G_TYPE_UINT64:
      STORE (guint64, g_value_get_uint64);
    case G_TYPE_DOUBLE:
      STORE (double, g_value_get_double);
    default:
      g_assert_not_reached ();
    }
#undef STORE

  return changed;
}

/**
 * lq_gst_util_install_properties:
 * @pspecs: (array length=n_pspecs): the class's properties; [0] is unused, as for
 *   g_object_class_install_properties()
 * @fields: (array length=n_pspecs): for each property, the field that holds it (static
 *   storage: it is referred to, not copied), or zeros for a property the class handles itself
 *
 * Ties each property to its field and installs the properties with
 * g_object_class_install_properties().
 */
void
lq_gst_util_install_properties (GObjectClass     *object_class,
                                guint             n_pspecs,
                                GParamSpec      **pspecs,
                                const LqGstField *fields)
{
  for (guint i = 1; i < n_pspecs; i++)
    if (fields[i].size != 0)
      {
        g_assert (fields[i].size == field_size (G_PARAM_SPEC_VALUE_TYPE (pspecs[i])));
        g_param_spec_set_qdata (pspecs[i], field_quark (), (gpointer) &fields[i]);
      }
  g_object_class_install_properties (object_class, n_pspecs, pspecs);
}

/**
 * lq_gst_util_init_fields:
 * @pspecs: (array length=n_pspecs): the properties installed with
 *   lq_gst_util_install_properties()
 *
 * Sets every field of @object that holds one of @pspecs to the property's default. For the
 * instance init function.
 */
void
lq_gst_util_init_fields (GstObject   *object,
                         guint        n_pspecs,
                         GParamSpec **pspecs)
{
  for (guint i = 1; i < n_pspecs; i++)
    {
      gpointer p = field_of (G_OBJECT (object), pspecs[i]);

      if (p != NULL)
        store (p, g_param_spec_get_default_value (pspecs[i]));
    }
}

/**
 * lq_gst_util_get_property:
 *
 * A #GObjectClass.get_property for properties installed with
 * lq_gst_util_install_properties(): reads the field under GST_OBJECT_LOCK.
 */
void
lq_gst_util_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  gconstpointer p = field_of (object, pspec);

  if (p == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  GST_OBJECT_LOCK (object);
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_BOOLEAN:
      g_value_set_boolean (value, *(const gboolean *) p);
      break;
    case G_TYPE_INT:
      g_value_set_int (value, *(const gint *) p);
      break;
    case G_TYPE_ENUM:
      g_value_set_enum (value, *(const gint *) p);
      break;
    case G_TYPE_UINT:
      g_value_set_uint (value, *(const guint *) p);
      break;
    case G_TYPE_INT64:
      g_value_set_int64 (value, *(const gint64 *) p);
      break;
    case G_TYPE_UINT64:
      g_value_set_uint64 (value, *(const guint64 *) p);
      break;
    case G_TYPE_DOUBLE:
      g_value_set_double (value, *(const double *) p);
      break;
    default:
      g_assert_not_reached ();
    }
  GST_OBJECT_UNLOCK (object);
}

/**
 * lq_gst_util_set_field:
 *
 * Writes @value into the field that holds @pspec, under GST_OBJECT_LOCK (the lock is released
 * on return, so the caller may act on a change, e.g. post a LATENCY message).
 *
 * Returns: whether the property's value changed
 */
gboolean
lq_gst_util_set_field (GObject      *object,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  gpointer p = field_of (object, pspec);
  gboolean changed;

  if (p == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, pspec->param_id, pspec);
      return FALSE;
    }

  GST_OBJECT_LOCK (object);
  changed = store (p, value);
  GST_OBJECT_UNLOCK (object);
  return changed;
}

/**
 * lq_gst_util_set_property:
 *
 * A #GObjectClass.set_property for properties installed with
 * lq_gst_util_install_properties(): lq_gst_util_set_field().
 */
void
lq_gst_util_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  lq_gst_util_set_field (object, value, pspec);
}

/* ---- band child objects ---- */

typedef struct
{
  GType type;   /* of the band objects */
  gsize offset; /* of the array of band pointers in the element's instance struct */
  guint n;      /* bands in the array */
} Bands;

static GQuark
bands_quark (void)
{
  return g_quark_from_static_string ("lq-gst-util-bands");
}

static const Bands *
bands_of (gconstpointer instance)
{
  const Bands *bands = g_type_get_qdata (G_TYPE_FROM_INSTANCE (instance), bands_quark ());

  g_assert (bands != NULL);
  return bands;
}

static GstObject **
band_array (gpointer     instance,
            const Bands *bands)
{
  return G_STRUCT_MEMBER_P (instance, bands->offset);
}

/**
 * lq_gst_util_class_set_bands:
 * @band_type: the type of the band objects (a #GstObject)
 * @offset: the offset of the element's array of @n_bands band pointers in its instance struct
 *
 * Says where the bands of the (final) element class live, for the other band functions.
 */
void
lq_gst_util_class_set_bands (GObjectClass *object_class,
                             GType         band_type,
                             gsize         offset,
                             guint         n_bands)
{
  Bands *bands = g_new (Bands, 1); /* as long-lived as the class */

  bands->type = band_type;
  bands->offset = offset;
  bands->n = n_bands;
  g_type_set_qdata (G_OBJECT_CLASS_TYPE (object_class), bands_quark (), bands);
}

/**
 * lq_gst_util_init_bands:
 *
 * Creates the bands, named `band0`, `band1`, ..., with @object as their parent. For the
 * instance init function.
 */
void
lq_gst_util_init_bands (GstObject *object)
{
  const Bands *bands = bands_of (object);
  GstObject **band = band_array (object, bands);

  for (guint i = 0; i < bands->n; i++)
    {
      g_autofree char *name = g_strdup_printf ("band%u", i);

      band[i] = g_object_new (bands->type, "name", name, NULL);
      gst_object_set_parent (band[i], object);
    }
}

/**
 * lq_gst_util_dispose_bands:
 *
 * Unparents the bands (which drops them). For the dispose function; may run more than once.
 */
void
lq_gst_util_dispose_bands (GstObject *object)
{
  const Bands *bands = bands_of (object);
  GstObject **band = band_array (object, bands);

  for (guint i = 0; i < bands->n; i++)
    if (band[i] != NULL)
      {
        gst_object_unparent (band[i]);
        band[i] = NULL;
      }
}

/**
 * lq_gst_util_sync_bands:
 *
 * A #GstBaseTransformClass.before_transform that brings the bands' controlled properties to
 * the stream time of @buffer (#LqAudioFilter does the element's own).
 */
void
lq_gst_util_sync_bands (GstBaseTransform *trans,
                        GstBuffer        *buffer)
{
  const Bands *bands = bands_of (trans);
  GstObject **band = band_array (trans, bands);
  GstClockTime t = GST_BUFFER_PTS (buffer);

  if (!GST_CLOCK_TIME_IS_VALID (t) || trans->segment.format != GST_FORMAT_TIME)
    return;
  t = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME, t);
  if (!GST_CLOCK_TIME_IS_VALID (t))
    return;
  for (guint i = 0; i < bands->n; i++)
    gst_object_sync_values (band[i], t);
}

static GObject *
bands_get_child_by_index (GstChildProxy *proxy,
                          guint          index)
{
  const Bands *bands = bands_of (proxy);

  if (index >= bands->n)
    return NULL;
  return g_object_ref (G_OBJECT (band_array (proxy, bands)[index]));
}

static guint
bands_get_children_count (GstChildProxy *proxy)
{
  return bands_of (proxy)->n;
}

/**
 * lq_gst_util_bands_child_proxy_init:
 *
 * The #GstChildProxy of an element with bands: G_IMPLEMENT_INTERFACE (GST_TYPE_CHILD_PROXY,
 * lq_gst_util_bands_child_proxy_init).
 */
void
lq_gst_util_bands_child_proxy_init (GstChildProxyInterface *iface)
{
  iface->get_child_by_index = bands_get_child_by_index;
  iface->get_children_count = bands_get_children_count;
}
