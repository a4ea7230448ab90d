/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-track"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gst/pbutils/pbutils.h>

#include "lq-engine-error.h"
#include "lq-track.h"

/* ---- LqFadeCurve as a GEnum ---- */

GType
lq_fade_curve_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { LQ_FADE_LINEAR, "LQ_FADE_LINEAR", "linear" },
    { LQ_FADE_EQUAL_POWER, "LQ_FADE_EQUAL_POWER", "equal-power" },
    { LQ_FADE_LOGARITHMIC, "LQ_FADE_LOGARITHMIC", "logarithmic" },
    { LQ_FADE_S_CURVE, "LQ_FADE_S_CURVE", "s-curve" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("LqFadeCurve", values));
  return type;
}

/* ---- LqStem ---- */

struct _LqStem
{
  GObject parent_instance;

  GFile *file;            /* the stem's audio */
  LqChainElement *strip;  /* its lqstrip settings (gain, pan, mute, invert, EQ, compressor) */
};

G_DEFINE_FINAL_TYPE (LqStem, lq_stem, G_TYPE_OBJECT)

static void
lq_stem_finalize (GObject *object)
{
  LqStem *self = LQ_STEM (object);

  g_clear_object (&self->file);
  g_clear_object (&self->strip);
  G_OBJECT_CLASS (lq_stem_parent_class)->finalize (object);
}

static void
lq_stem_class_init (LqStemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lq_stem_finalize;
}

static void
lq_stem_init (LqStem *self)
{
  self->strip = lq_chain_element_new ("lqstrip");
}

LqStem *
lq_stem_new (GFile *file)
{
  LqStem *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  self = g_object_new (LQ_TYPE_STEM, NULL);
  self->file = g_object_ref (file);
  return self;
}

GFile *
lq_stem_get_file (LqStem *self)
{
  g_return_val_if_fail (LQ_IS_STEM (self), NULL);
  return self->file;
}

/**
 * lq_stem_get_strip:
 *
 * Returns: (transfer none): the stem's channel strip settings (an lqstrip)
 */
LqChainElement *
lq_stem_get_strip (LqStem *self)
{
  g_return_val_if_fail (LQ_IS_STEM (self), NULL);
  return self->strip;
}

/* ---- LqTrack ---- */

struct _LqTrack
{
  GObject parent_instance;

  GFile *file;          /* the mix (or the first stem) */
  char *title;
  char *performer;
  char *songwriter;
  char *composer;
  char *isrc;
  gboolean hidden;      /* muted: kept in the project, silent in the album */

  /* From the source, by lq_track_probe() */
  guint64 n_frames;     /* at the source's rate */
  guint rate;
  guint channels;
  gboolean missing;

  /* Edits, in album-rate samples */
  guint64 in_point;
  guint64 out_point;    /* 0 = the end of the source */
  double gain;          /* manual offset, dB */
  double match_gain;    /* from level matching, dB */
  guint64 fade_in;
  guint64 fade_out;
  LqFadeCurve fade_in_curve;
  LqFadeCurve fade_out_curve;
  guint64 pause;
  guint64 crossfade;
  LqFadeCurve crossfade_curve;
  GArray *indexes;      /* guint64 positions of index 02.. from the track start */

  LqChain *chain;
  GListStore *stems;    /* LqStem */
};

G_DEFINE_FINAL_TYPE (LqTrack, lq_track, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_TITLE,
  PROP_PERFORMER,
  PROP_SONGWRITER,
  PROP_COMPOSER,
  PROP_ISRC,
  PROP_HIDDEN,
  PROP_N_FRAMES,
  PROP_RATE,
  PROP_CHANNELS,
  PROP_DURATION,
  PROP_MISSING,
  PROP_IN_POINT,
  PROP_OUT_POINT,
  PROP_GAIN,
  PROP_MATCH_GAIN,
  PROP_FADE_IN,
  PROP_FADE_OUT,
  PROP_FADE_IN_CURVE,
  PROP_FADE_OUT_CURVE,
  PROP_PAUSE,
  PROP_CROSSFADE,
  PROP_CROSSFADE_CURVE,
  PROP_CHAIN,
  PROP_STEMS,
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

/* The string field behind a string property. */
static char **
string_field (LqTrack *self,
              guint    prop_id)
{
  switch (prop_id)
    {
    case PROP_TITLE: return &self->title;
    case PROP_PERFORMER: return &self->performer;
    case PROP_SONGWRITER: return &self->songwriter;
    case PROP_COMPOSER: return &self->composer;
    case PROP_ISRC: return &self->isrc;
    default: return NULL;
    }
}

/* The sample-count field behind a guint64 edit property. */
static guint64 *
frames_field (LqTrack *self,
              guint    prop_id)
{
  switch (prop_id)
    {
    case PROP_IN_POINT: return &self->in_point;
    case PROP_OUT_POINT: return &self->out_point;
    case PROP_FADE_IN: return &self->fade_in;
    case PROP_FADE_OUT: return &self->fade_out;
    case PROP_PAUSE: return &self->pause;
    case PROP_CROSSFADE: return &self->crossfade;
    default: return NULL;
    }
}

static LqFadeCurve *
curve_field (LqTrack *self,
             guint    prop_id)
{
  switch (prop_id)
    {
    case PROP_FADE_IN_CURVE: return &self->fade_in_curve;
    case PROP_FADE_OUT_CURVE: return &self->fade_out_curve;
    case PROP_CROSSFADE_CURVE: return &self->crossfade_curve;
    default: return NULL;
    }
}

static void
lq_track_finalize (GObject *object)
{
  LqTrack *self = (LqTrack *) object;

  g_clear_object (&self->file);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->performer, g_free);
  g_clear_pointer (&self->songwriter, g_free);
  g_clear_pointer (&self->composer, g_free);
  g_clear_pointer (&self->isrc, g_free);
  g_clear_pointer (&self->indexes, g_array_unref);
  g_clear_object (&self->chain);
  g_clear_object (&self->stems);

  G_OBJECT_CLASS (lq_track_parent_class)->finalize (object);
}

static void
lq_track_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  LqTrack *self = LQ_TRACK (object);

  if (string_field (self, prop_id))
    g_value_set_string (value, *string_field (self, prop_id));
  else if (frames_field (self, prop_id))
    g_value_set_uint64 (value, *frames_field (self, prop_id));
  else if (curve_field (self, prop_id))
    g_value_set_enum (value, *curve_field (self, prop_id));
  else
    switch (prop_id)
      {
      case PROP_FILE:
        g_value_set_object (value, self->file);
        break;
      case PROP_HIDDEN:
        g_value_set_boolean (value, self->hidden);
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
      case PROP_GAIN:
        g_value_set_double (value, self->gain);
        break;
      case PROP_MATCH_GAIN:
        g_value_set_double (value, self->match_gain);
        break;
      case PROP_CHAIN:
        g_value_set_object (value, self->chain);
        break;
      case PROP_STEMS:
        g_value_set_object (value, self->stems);
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
  gboolean changed = FALSE;

  if (string_field (self, prop_id))
    changed = set_string (string_field (self, prop_id), g_value_get_string (value));
  else if (frames_field (self, prop_id))
    {
      guint64 *field = frames_field (self, prop_id);
      changed = *field != g_value_get_uint64 (value);
      *field = g_value_get_uint64 (value);
    }
  else if (curve_field (self, prop_id))
    {
      LqFadeCurve *field = curve_field (self, prop_id);
      changed = *field != (LqFadeCurve) g_value_get_enum (value);
      *field = g_value_get_enum (value);
    }
  else
    switch (prop_id)
      {
      case PROP_FILE:
        g_set_object (&self->file, g_value_get_object (value));
        break;
      case PROP_HIDDEN:
        changed = self->hidden != g_value_get_boolean (value);
        self->hidden = g_value_get_boolean (value);
        break;
      case PROP_GAIN:
        changed = self->gain != g_value_get_double (value);
        self->gain = g_value_get_double (value);
        break;
      case PROP_MATCH_GAIN:
        changed = self->match_gain != g_value_get_double (value);
        self->match_gain = g_value_get_double (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      }
  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

static void
lq_track_class_init (LqTrackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lq_track_finalize;
  object_class->get_property = lq_track_get_property;
  object_class->set_property = lq_track_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, rw);
  properties[PROP_PERFORMER] = g_param_spec_string ("performer", NULL, NULL, NULL, rw);
  properties[PROP_SONGWRITER] = g_param_spec_string ("songwriter", NULL, NULL, NULL, rw);
  properties[PROP_COMPOSER] = g_param_spec_string ("composer", NULL, NULL, NULL, rw);
  properties[PROP_ISRC] = g_param_spec_string ("isrc", NULL, NULL, NULL, rw);
  properties[PROP_HIDDEN] = g_param_spec_boolean ("hidden", NULL, NULL, FALSE, rw);
  properties[PROP_N_FRAMES] = g_param_spec_uint64 ("n-frames", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_RATE] = g_param_spec_uint ("rate", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CHANNELS] = g_param_spec_uint ("channels", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_DURATION] = g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_MISSING] = g_param_spec_boolean ("missing", NULL, NULL, FALSE, ro);
  properties[PROP_IN_POINT] = g_param_spec_uint64 ("in-point", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties[PROP_OUT_POINT] = g_param_spec_uint64 ("out-point", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties[PROP_GAIN] = g_param_spec_double ("gain", NULL, NULL, -96.0, 24.0, 0.0, rw);
  properties[PROP_MATCH_GAIN] = g_param_spec_double ("match-gain", NULL, NULL, -96.0, 24.0, 0.0, rw);
  properties[PROP_FADE_IN] = g_param_spec_uint64 ("fade-in", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties[PROP_FADE_OUT] = g_param_spec_uint64 ("fade-out", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties[PROP_FADE_IN_CURVE] =
    g_param_spec_enum ("fade-in-curve", NULL, NULL, LQ_TYPE_FADE_CURVE, LQ_FADE_S_CURVE, rw);
  properties[PROP_FADE_OUT_CURVE] =
    g_param_spec_enum ("fade-out-curve", NULL, NULL, LQ_TYPE_FADE_CURVE, LQ_FADE_S_CURVE, rw);
  properties[PROP_PAUSE] = g_param_spec_uint64 ("pause", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties[PROP_CROSSFADE] = g_param_spec_uint64 ("crossfade", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties[PROP_CROSSFADE_CURVE] =
    g_param_spec_enum ("crossfade-curve", NULL, NULL, LQ_TYPE_FADE_CURVE, LQ_FADE_EQUAL_POWER, rw);
  properties[PROP_CHAIN] = g_param_spec_object ("chain", NULL, NULL, LQ_TYPE_CHAIN, ro);
  properties[PROP_STEMS] = g_param_spec_object ("stems", NULL, NULL, G_TYPE_LIST_MODEL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lq_track_init (LqTrack *self)
{
  self->fade_in_curve = LQ_FADE_S_CURVE;
  self->fade_out_curve = LQ_FADE_S_CURVE;
  self->crossfade_curve = LQ_FADE_EQUAL_POWER;
  self->indexes = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->chain = lq_chain_new ();
  self->stems = g_list_store_new (LQ_TYPE_STEM);
}

LqTrack *
lq_track_new (GFile *file)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return g_object_new (LQ_TYPE_TRACK, "file", file, NULL);
}

/**
 * lq_track_new_for_stems:
 *
 * A track mixed from @files, each through its own lqstrip.
 */
LqTrack *
lq_track_new_for_stems (GFile **files,
                        guint   n_files)
{
  LqTrack *self;

  g_return_val_if_fail (files != NULL && n_files > 0, NULL);

  self = lq_track_new (files[0]);
  for (guint i = 0; i < n_files; i++)
    {
      g_autoptr(LqStem) stem = lq_stem_new (files[i]);
      g_list_store_append (self->stems, stem);
    }
  return self;
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
  g_object_set (self, "title", title, NULL);
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
  g_object_set (self, "performer", performer, NULL);
}

const char *
lq_track_get_isrc (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), NULL);
  return self->isrc;
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

guint64
lq_track_get_in_point (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0);
  return self->in_point;
}

guint64
lq_track_get_out_point (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0);
  return self->out_point;
}

double
lq_track_get_gain (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0.0);
  return self->gain;
}

double
lq_track_get_match_gain (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0.0);
  return self->match_gain;
}

void
lq_track_set_match_gain (LqTrack *self,
                         double   db)
{
  g_return_if_fail (LQ_IS_TRACK (self));
  g_object_set (self, "match-gain", db, NULL);
}

guint64
lq_track_get_fade_in (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0);
  return self->fade_in;
}

guint64
lq_track_get_fade_out (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0);
  return self->fade_out;
}

LqFadeCurve
lq_track_get_fade_in_curve (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), LQ_FADE_LINEAR);
  return self->fade_in_curve;
}

LqFadeCurve
lq_track_get_fade_out_curve (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), LQ_FADE_LINEAR);
  return self->fade_out_curve;
}

guint64
lq_track_get_pause (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0);
  return self->pause;
}

guint64
lq_track_get_crossfade (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), 0);
  return self->crossfade;
}

LqFadeCurve
lq_track_get_crossfade_curve (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), LQ_FADE_LINEAR);
  return self->crossfade_curve;
}

gboolean
lq_track_get_hidden (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), FALSE);
  return self->hidden;
}

/**
 * lq_track_get_chain:
 *
 * Returns: (transfer none): the track's processing chain
 */
LqChain *
lq_track_get_chain (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), NULL);
  return self->chain;
}

/**
 * lq_track_get_stems:
 *
 * Returns: (transfer none): the stems (#LqStem) the track is mixed from; empty for a track
 *   made of one mix file
 */
GListModel *
lq_track_get_stems (LqTrack *self)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), NULL);
  return G_LIST_MODEL (self->stems);
}

/**
 * lq_track_get_indexes:
 *
 * Returns: (array length=n_indexes): the positions of index 02, 03, ... from the track start
 */
const guint64 *
lq_track_get_indexes (LqTrack *self,
                      guint   *n_indexes)
{
  g_return_val_if_fail (LQ_IS_TRACK (self), NULL);
  *n_indexes = self->indexes->len;
  return (const guint64 *) (gpointer) self->indexes->data;
}

void
lq_track_set_indexes (LqTrack       *self,
                      const guint64 *indexes,
                      guint          n_indexes)
{
  g_return_if_fail (LQ_IS_TRACK (self));

  g_array_set_size (self->indexes, 0);
  g_array_append_vals (self->indexes, indexes, n_indexes);
}

/* Reads one file's format and length. */
static gboolean
probe_file (GFile         *file,
            GstDiscoverer *discoverer,
            guint         *rate,
            guint         *channels,
            guint64       *n_frames,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *name = g_file_get_parse_name (file);
  GList *audio;
  GstDiscovererAudioInfo *ainfo;
  GstClockTime duration;

  if (!g_file_query_exists (file, cancellable))
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_MISSING_FILE,
                   _("The audio file “%s” does not exist; relink it or remove the track"), name);
      return FALSE;
    }
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
  *rate = gst_discoverer_audio_info_get_sample_rate (ainfo);
  *channels = gst_discoverer_audio_info_get_channels (ainfo);
  duration = gst_discoverer_info_get_duration (info);
  *n_frames = *rate && GST_CLOCK_TIME_IS_VALID (duration)
              ? gst_util_uint64_scale_round (duration, *rate, GST_SECOND) : 0;
  gst_discoverer_stream_info_list_free (audio);
  return TRUE;
}

/**
 * lq_track_probe:
 *
 * Reads the source's format and length (anything GStreamer decodes; for stems, the longest
 * stem at the first stem's rate). Blocks: call from a worker thread, before the track is
 * shown. On failure the track is marked missing and @error says why.
 */
gboolean
lq_track_probe (LqTrack       *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GstDiscoverer) discoverer = NULL;
  guint n_stems, rate = 0, channels = 0;
  guint64 n_frames = 0;

  g_return_val_if_fail (LQ_IS_TRACK (self), FALSE);

  discoverer = gst_discoverer_new (30 * GST_SECOND, error);
  if (discoverer == NULL)
    return FALSE;

  n_stems = g_list_model_get_n_items (G_LIST_MODEL (self->stems));
  for (guint i = 0; i < MAX (n_stems, 1); i++)
    {
      g_autoptr(LqStem) stem = n_stems ? g_list_model_get_item (G_LIST_MODEL (self->stems), i) : NULL;
      GFile *file = stem ? stem->file : self->file;
      guint r, c;
      guint64 n;

      if (!probe_file (file, discoverer, &r, &c, &n, cancellable, error))
        {
          self->missing = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MISSING]);
          return FALSE;
        }
      if (i == 0)
        rate = r;
      channels = MAX (channels, c);
      n_frames = MAX (n_frames, r == rate ? n : gst_util_uint64_scale_round (n, rate, r));
    }

  self->rate = rate;
  self->channels = channels;
  self->n_frames = n_frames;
  self->missing = FALSE;

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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANNELS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MISSING]);
  return TRUE;
}
