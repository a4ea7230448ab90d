/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-track"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gst/pbutils/pbutils.h>

#include "lq-engine-error.h"
#include "lq-track.h"

struct _LqTrack
{
  GObject parent_instance;

  GFile *file;
  char *title;
  char *performer;
  guint64 n_frames;
  guint rate;
  guint channels;
  gboolean missing;
};

G_DEFINE_FINAL_TYPE (LqTrack, lq_track, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_TITLE,
  PROP_PERFORMER,
  PROP_N_FRAMES,
  PROP_RATE,
  PROP_CHANNELS,
  PROP_DURATION,
  PROP_MISSING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() arrived in GLib 2.76; we target 2.74. */
static gboolean
set_string (char       **dest,
            const char  *value)
{
  if (g_strcmp0 (*dest, value) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (value);
  return TRUE;
}

static void
lq_track_finalize (GObject *object)
{
  LqTrack *self = (LqTrack *) object;

  g_clear_object (&self->file);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->performer, g_free);

  G_OBJECT_CLASS (lq_track_parent_class)->finalize (object);
}

static void
lq_track_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  LqTrack *self = LQ_TRACK (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_PERFORMER:
      g_value_set_string (value, self->performer);
      break;
    case PROP_N_FRAMES:
      g_value_set_uint64 (value, self->n_frames);
      break;
    case PROP_RATE:
      g_value_set_uint (value, self->rate);
      break;
    case PROP_CHANNELS:
      g_value_set_uint (value, self->channels);
      break;
    case PROP_DURATION:
      g_value_set_double (value, lq_track_get_duration (self));
      break;
    case PROP_MISSING:
      g_value_set_boolean (value, self->missing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_track_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  LqTrack *self = LQ_TRACK (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_set_object (&self->file, g_value_get_object (value));
      break;
    case PROP_TITLE:
      lq_track_set_title (self, g_value_get_string (value));
      break;
    case PROP_PERFORMER:
      lq_track_set_performer (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_track_class_init (LqTrackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lq_track_finalize;
  object_class->get_property = lq_track_get_property;
  object_class->set_property = lq_track_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERFORMER] =
    g_param_spec_string ("performer", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_FRAMES] =
    g_param_spec_uint64 ("n-frames", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE] =
    g_param_spec_uint ("rate", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHANNELS] =
    g_param_spec_uint ("channels", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MISSING] =
    g_param_spec_boolean ("missing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lq_track_init (LqTrack *self)
{
}

LqTrack *
lq_track_new (GFile *file)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return g_object_new (LQ_TYPE_TRACK, "file", file, NULL);
}

GFile *
lq_track_get_file (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), NULL);
  return self->file;
}

const char *
lq_track_get_title (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), NULL);
  return self->title;
}

void
lq_track_set_title (LqTrack    *self,
                    const char *title)
{
  g_return_if_fail (LQ_IS_TRACK (self));

  if (set_string (&self->title, title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
lq_track_get_performer (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), NULL);
  return self->performer;
}

void
lq_track_set_performer (LqTrack    *self,
                        const char *performer)
{
  g_return_if_fail (LQ_IS_TRACK (self));

  if (set_string (&self->performer, performer))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERFORMER]);
}

guint64
lq_track_get_n_frames (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0);
  return self->n_frames;
}

guint
lq_track_get_rate (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0);
  return self->rate;
}

guint
lq_track_get_channels (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0);
  return self->channels;
}

double
lq_track_get_duration (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0);
  return self->rate ? (double) self->n_frames / self->rate : 0.0;
}

gboolean
lq_track_get_missing (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), FALSE);
  return self->missing;
}

/**
 * lq_track_probe:
 *
 * Reads the source's format and length (anything GStreamer decodes). Blocks: call from a
 * worker thread. On failure the track is marked missing and @error says why.
 */
gboolean
lq_track_probe (LqTrack       *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GstDiscoverer) discoverer = NULL;
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *name = NULL;
  GList *audio = NULL;
  GstDiscovererAudioInfo *ainfo;
  GstClockTime duration;

  g_return_val_if_fail (LQ_IS_TRACK (self), FALSE);

  name = g_file_get_parse_name (self->file);
  if (!g_file_query_exists (self->file, cancellable))
    {
      self->missing = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MISSING]);
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_MISSING_FILE,
                   _("The audio file “%s” does not exist; relink it or remove the track"), name);
      return FALSE;
    }

  discoverer = gst_discoverer_new (30 * GST_SECOND, &local_error);
  if (discoverer == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  uri = g_file_get_uri (self->file);
  info = gst_discoverer_discover_uri (discoverer, uri, &local_error);
  if (info == NULL || gst_discoverer_info_get_result (info) != GST_DISCOVERER_OK)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                   _("“%s” could not be read as audio: %s"), name,
                   local_error ? local_error->message : _("unknown format"));
      return FALSE;
    }

  audio = gst_discoverer_info_get_audio_streams (info);
  if (audio == NULL)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                   _("“%s” has no audio stream"), name);
      return FALSE;
    }

  ainfo = audio->data;
  self->rate = gst_discoverer_audio_info_get_sample_rate (ainfo);
  self->channels = gst_discoverer_audio_info_get_channels (ainfo);
  duration = gst_discoverer_info_get_duration (info);
  self->n_frames = self->rate && GST_CLOCK_TIME_IS_VALID (duration)
                   ? gst_util_uint64_scale_round (duration, self->rate, GST_SECOND)
                   : 0;
  self->missing = FALSE;
  gst_discoverer_stream_info_list_free (audio);

  if (self->title == NULL)
    {
      g_autofree char *base = g_file_get_basename (self->file);
      char *dot = strrchr (base, '.');

      if (dot != NULL)
        *dot = '\0';
      lq_track_set_title (self, base);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FRAMES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MISSING]);
  return TRUE;
}
