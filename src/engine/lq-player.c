/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-player"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <gst/app/gstappsrc.h>

#include "lq-album-reader.h"
#include "lq-engine-error.h"
#include "lq-player.h"

/* Frames per buffer: ~23 ms at 44.1 kHz. With at most one buffer queued in the appsrc (and the
 * live reader running its chains 1024 frames ahead), an edit, an A/B switch or a reference
 * switch reaches the sink within ~25-40 ms (measured: tests/engine/test-player-live.c,
 * /lq/player-live/latency), plus the sink's own buffer */
#define PUSH_FRAMES 1024

/* Interval of the spectrum and phase meters' messages: lqloudness's own 100 ms, so the three
 * post for the same buffer and a window draws one frame for them (with their 33 ms default
 * they would post at ~30 Hz; every frame costs the whole window a render) */
#define METER_INTERVAL_MS 100

/* References kept decoded, so that switching back and forth is immediate */
#define REF_CACHE 3
#define REF_HEADROOM_DBTP -0.1 /* a raised reference keeps its true peak below this */

typedef struct
{
  GstClockTime pts;   /* stream time where this stretch of output starts */
  guint64 sample;     /* the position (of the source heard) played at that time */
  guint64 length;     /* the length of the source heard from then on */
} Jump;

/* A reference being played or faded out (feeding thread, under the lock) */
typedef struct
{
  LqTrack *track;          /* the reference (a ref) */
  LqProject *project;      /* a one-track project around it, at the album rate */
  LqAlbumReader *reader;   /* reads it */
  guint64 length;          /* its length in album-rate frames */
  guint64 pos;             /* its next frame */
  double gain;             /* linear gain now */
  double target;           /* linear gain to ramp to */
  double step;             /* per-frame gain change while ramping */
  guint64 ramp_left;       /* frames left in the ramp */
  double match;            /* linear gain when heard (the match gain), set by the main thread */
} RefSource;

struct _LqPlayer
{
  GObject parent_instance;

  LqProject *project;
  GstElement *pipeline;
  GstElement *appsrc;          /* what is heard: to the meters and the sink */
  GstElement *source_src;      /* the unprocessed album: to the source spectrum */
  GstElement *source_spectrum; /* lqspectrum on the unprocessed album, or NULL */
  guint bus_watch;
  guint rate;
  guint64 length;

  /* Main thread state (properties) */
  LqAbSide side;
  gboolean match;
  LqTrack *reference;          /* selected reference or NULL */
  LqReferencePosition ref_mode;
  gboolean measured;
  double album_lufs[2];        /* measured loudness of both sides, or -HUGE_VAL */
  GHashTable *ref_lufs;        /* LqTrack -> double[2]: integrated LUFS, true peak dBTP */

  /* Streaming state, under lock (appsrc's thread reads, the main thread seeks and switches) */
  GMutex lock;
  LqAb *ab;                    /* the album, processed and unprocessed, in lockstep */
  guint64 next_sample;         /* album position of the next frame read */
  GstClockTime out_pts;        /* stream time of the next frame pushed */
  guint64 loop_start;
  guint64 loop_end;            /* 0: no loop */
  GMutex jump_lock;            /* guards jumps (taken alone, or inside lock): the main thread
                                * reads positions without waiting for a read */
  GArray *jumps;               /* Jump: where the output continued from another position */
  gboolean playing;
  double album_gain;           /* linear gain of the album in the output now */
  double album_step;           /* its per-frame change while ramping */
  guint64 album_ramp;          /* frames left in the album's ramp */
  GPtrArray *refs;             /* RefSource: the references played lately, decoded (at most
                                * REF_CACHE), owning ref and ref_old */
  RefSource *ref;              /* the reference selected (heard when ready), or NULL */
  RefSource *ref_old;          /* a reference fading out, or NULL */
  gboolean ref_heard;          /* the output is (fading to) the reference */
  LqReferencePosition mode;    /* reference-position, as the feeding thread sees it */
  GHashTable *ref_positions;   /* LqTrack -> guint64 * own positions of references left */
  float *abuf, *ubuf, *rbuf, *obuf; /* PUSH_FRAMES stereo frames: album, unprocessed, reference(s), out */
  guint64 ramp_frames;         /* LQ_AB_CROSSFADE_MS in frames */
};

G_DEFINE_FINAL_TYPE (LqPlayer, lq_player, G_TYPE_OBJECT)

enum {
  SIGNAL_EOS,
  SIGNAL_ERROR,
  SIGNAL_METER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_AB_SIDE,
  PROP_MATCH,
  PROP_MATCH_GAIN,
  PROP_REFERENCE,
  PROP_REFERENCE_POSITION,
  PROP_MEASURED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
lq_reference_position_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { LQ_REFERENCE_POSITION_SHARED, "LQ_REFERENCE_POSITION_SHARED", "shared" },
        { LQ_REFERENCE_POSITION_OWN, "LQ_REFERENCE_POSITION_OWN", "own" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static ("LqReferencePosition", values));
    }
  return type;
}

GType
lq_ab_side_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { LQ_AB_PROCESSED, "LQ_AB_PROCESSED", "processed" },
        { LQ_AB_UNPROCESSED, "LQ_AB_UNPROCESSED", "unprocessed" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static ("LqAbSide", values));
    }
  return type;
}

static void
ref_source_free (RefSource *ref)
{
  if (ref == NULL)
    return;
  g_clear_pointer (&ref->reader, lq_album_reader_free);
  g_clear_object (&ref->project);
  g_clear_object (&ref->track);
  g_free (ref);
}

static void
ramp_to (double   *gain,
         double   *step,
         guint64  *left,
         double    target,
         guint64   frames)
{
  *step = (target - *gain) / frames;
  *left = frames;
}

static void
add_jump (LqPlayer     *self,
          GstClockTime  pts,
          guint64       sample,
          guint64       length)
{
  Jump jump = { pts, sample, length };

  g_mutex_lock (&self->jump_lock);
  /* Later jumps replace any that start at the same time or after (a seek back). */
  while (self->jumps->len > 0 && g_array_index (self->jumps, Jump, self->jumps->len - 1).pts >= pts)
    g_array_set_size (self->jumps, self->jumps->len - 1);
  g_array_append_val (self->jumps, jump);
  if (self->jumps->len > 64)
    g_array_remove_index (self->jumps, 0);
  g_mutex_unlock (&self->jump_lock);
}

/* The gain of the reference when heard, dB: matched to the processed album as it is heard
 * (its A/B match gain included); main thread, lock held */
static double
ref_match_db (LqPlayer *self,
              LqTrack  *track)
{
  double *lufs;
  double album;
  double db;

  if (!self->match || track == NULL)
    return 0.0;

  lufs = g_hash_table_lookup (self->ref_lufs, track);
  album = self->album_lufs[LQ_AB_PROCESSED];
  if (lufs == NULL || !isfinite (lufs[0]) || !isfinite (album))
    return 0.0;
  db = album + lq_ab_get_side_gain (self->ab, LQ_AB_PROCESSED) - lufs[0];
  /* A reference quieter than the master is raised only as far as its peaks allow: past full
   * scale the sink would clip it, and a distorted reference is no reference. */
  if (db > 0.0 && isfinite (lufs[1]))
    db = MAX (0.0, MIN (db, REF_HEADROOM_DBTP - lufs[1]));
  return db;
}

/* Sets the reference's target gain (lock held) */
static void
retarget_ref (LqPlayer *self)
{
  if (self->ref == NULL)
    return;
  self->ref->target = self->ref_heard ? self->ref->match : 0.0;
  ramp_to (&self->ref->gain, &self->ref->step, &self->ref->ramp_left, self->ref->target, self->ramp_frames);
}

static void
ramp_step (double  *gain,
           double  *step,
           guint64 *left,
           double   target)
{
  if (*left == 0)
    return;
  *gain += *step;
  if (--*left == 0)
    {
      *gain = target;
      *step = 0.0;
    }
}

/* Reads @n frames of @ref into @buf (silence past its end) and advances it */
/* Reads @want of @n frames of @ref into @buf (silence after them and past its end) and
 * advances it by @want */
static gboolean
read_ref (RefSource  *ref,
          float      *buf,
          gsize       n,
          gsize       want,
          GError    **error)
{
  gssize got = 0;

  if (ref->pos < ref->length)
    {
      got = lq_album_reader_read (ref->reader, buf, MIN ((guint64) want, ref->length - ref->pos), NULL, error);
      if (got < 0)
        return FALSE;
    }
  memset (buf + 2 * got, 0, (n - got) * 2 * sizeof (float));
  ref->pos += want;
  return TRUE;
}

static void
push (GstElement   *appsrc,
      const float  *data,
      gsize         n,
      GstClockTime  pts,
      GstClockTime  duration,
      guint64       offset)
{
  GstBuffer *buffer = gst_buffer_new_memdup (data, n * 2 * sizeof (float));

  GST_BUFFER_PTS (buffer) = pts;
  GST_BUFFER_DURATION (buffer) = duration;
  GST_BUFFER_OFFSET (buffer) = offset;
  gst_app_src_push_buffer (GST_APP_SRC (appsrc), buffer);
}

static void
end_of_stream (LqPlayer *self)
{
  gst_app_src_end_of_stream (GST_APP_SRC (self->appsrc));
  if (self->source_src != NULL)
    gst_app_src_end_of_stream (GST_APP_SRC (self->source_src));
}

static void
need_data_cb (GstAppSrc *appsrc,
              guint      length,
              gpointer   user_data)
{
  LqPlayer *self = user_data;
  g_autoptr(GError) error = NULL;
  GstClockTime pts, duration;
  gboolean own_ref, read_album, read_ref_now;
  guint64 end, heard_pos, offset;
  RefSource *ref;
  gsize n;

  g_mutex_lock (&self->lock);
  ref = self->ref;

  /* A reference selected is heard once its audio is ready (it is decoded by a worker); in
   * shared mode it starts where the album is then */
  if (ref != NULL && !self->ref_heard && self->mode == LQ_REFERENCE_POSITION_SHARED
      && ref->pos != self->next_sample)
    {
      ref->pos = self->next_sample;
      lq_album_reader_seek (ref->reader, MIN (ref->pos, ref->length), NULL);
    }
  if (ref != NULL && !self->ref_heard && lq_album_reader_is_ready (ref->reader))
    {
      self->ref_heard = TRUE;
      retarget_ref (self);
      ramp_to (&self->album_gain, &self->album_step, &self->album_ramp, 0.0, self->ramp_frames);
      if (self->mode == LQ_REFERENCE_POSITION_OWN)
        add_jump (self, self->out_pts, ref->pos, ref->length);
    }
  own_ref = ref != NULL && self->ref_heard && self->mode == LQ_REFERENCE_POSITION_OWN;

  if (own_ref)
    {
      /* The reference plays on its own: no loop, its own end */
      end = ref->length;
      heard_pos = ref->pos;
    }
  else
    {
      end = self->loop_end > self->loop_start ? self->loop_end : self->length;
      if (self->next_sample >= end && self->loop_end > self->loop_start)
        {
          /* The loop: continue from its start without a gap, timestamps running on; in shared
           * mode the reference loops with the album */
          lq_ab_seek (self->ab, self->loop_start, NULL);
          self->next_sample = self->loop_start;
          if (ref != NULL)
            {
              lq_album_reader_seek (ref->reader, self->loop_start, NULL);
              ref->pos = self->loop_start;
            }
          add_jump (self, self->out_pts, self->loop_start, self->length);
        }
      heard_pos = self->next_sample;
    }
  if (heard_pos >= end)
    {
      g_mutex_unlock (&self->lock);
      end_of_stream (self);
      return;
    }
  n = MIN ((guint64) PUSH_FRAMES, end - heard_pos);

  /* The album is read while heard, while fading, and always in shared mode (lockstep) */
  read_album = !own_ref || self->album_gain > 0.0 || self->album_ramp > 0;
  read_ref_now = ref != NULL && self->ref_heard;
  offset = self->next_sample;
  if (read_album)
    {
      /* Fading out in own mode, the album is read up to the end of its fade only: it resumes
       * from there */
      gsize want = own_ref ? MIN (n, self->album_ramp) : n;
      gssize got = lq_ab_read_full (self->ab, self->abuf, self->ubuf, want, NULL, &error);

      if (got < 0)
        goto failed;
      memset (self->abuf + 2 * got, 0, (n - got) * 2 * sizeof (float));
      memset (self->ubuf + 2 * got, 0, (n - got) * 2 * sizeof (float));
      self->next_sample += got;
    }
  else
    {
      memset (self->abuf, 0, n * 2 * sizeof (float));
      memset (self->ubuf, 0, n * 2 * sizeof (float));
    }
  memset (self->rbuf, 0, n * 2 * sizeof (float));
  if (read_ref_now && !read_ref (ref, self->rbuf, n, n, &error))
    goto failed;
  if (own_ref)
    offset = ref->pos - n;

  for (gsize i = 0; i < n; i++)
    {
      float ga = (float) self->album_gain, gr = ref != NULL ? (float) ref->gain : 0.0f;

      self->obuf[2 * i] = ga * self->abuf[2 * i] + gr * self->rbuf[2 * i];
      self->obuf[2 * i + 1] = ga * self->abuf[2 * i + 1] + gr * self->rbuf[2 * i + 1];
      ramp_step (&self->album_gain, &self->album_step, &self->album_ramp, self->ref_heard ? 0.0 : 1.0);
      if (ref != NULL)
        ramp_step (&ref->gain, &ref->step, &ref->ramp_left, ref->target);
    }
  /* A reference left fades out over the start of this buffer */
  if (self->ref_old != NULL)
    {
      RefSource *old = self->ref_old;

      /* In own mode it is read up to the end of its fade only: it resumes from there */
      if (!read_ref (old, self->rbuf, n, self->mode == LQ_REFERENCE_POSITION_OWN ? MIN (n, old->ramp_left) : n,
                     &error))
        goto failed;
      for (gsize i = 0; i < n && (old->gain > 0.0 || old->ramp_left > 0); i++)
        {
          self->obuf[2 * i] += (float) old->gain * self->rbuf[2 * i];
          self->obuf[2 * i + 1] += (float) old->gain * self->rbuf[2 * i + 1];
          ramp_step (&old->gain, &old->step, &old->ramp_left, 0.0);
        }
      if (old->ramp_left == 0)
        self->ref_old = NULL; /* it stays in self->refs */
    }

  pts = self->out_pts;
  duration = gst_util_uint64_scale_int_round (n, GST_SECOND, self->rate);
  self->out_pts += duration;
  g_mutex_unlock (&self->lock);

  push (self->appsrc, self->obuf, n, pts, duration, offset);
  if (self->source_src != NULL)
    push (self->source_src, self->ubuf, n, pts, duration, offset);
  return;

failed:
  g_mutex_unlock (&self->lock);
  GST_ELEMENT_ERROR (appsrc, STREAM, FAILED, ("%s", error->message), (NULL));
}

static gboolean
seek_data_cb (GstAppSrc *appsrc,
              guint64    offset,
              gpointer   user_data)
{
  LqPlayer *self = user_data;
  guint64 sample = gst_util_uint64_scale_round (offset, self->rate, GST_SECOND);
  gboolean ok = TRUE;

  g_mutex_lock (&self->lock);
  if (self->ref != NULL && self->ref_heard && self->mode == LQ_REFERENCE_POSITION_OWN)
    {
      /* Seeking moves what is heard: the reference alone */
      sample = MIN (sample, self->ref->length);
      lq_album_reader_seek (self->ref->reader, sample, NULL);
      self->ref->pos = sample;
    }
  else
    {
      sample = MIN (sample, self->length);
      ok = lq_ab_seek (self->ab, sample, NULL);
      self->next_sample = sample;
      if (self->ref != NULL && self->mode == LQ_REFERENCE_POSITION_SHARED)
        {
          lq_album_reader_seek (self->ref->reader, sample, NULL);
          self->ref->pos = sample;
        }
    }
  /* A crossfade under way ends at the seek */
  self->album_gain = self->ref_heard ? 0.0 : 1.0;
  self->album_ramp = 0;
  if (self->ref != NULL)
    {
      self->ref->gain = self->ref->target;
      self->ref->ramp_left = 0;
    }
  if (self->ref_old != NULL)
    {
      self->ref_old->gain = 0.0;
      self->ref_old->ramp_left = 0;
      self->ref_old = NULL;
    }
  self->out_pts = offset;
  g_mutex_lock (&self->jump_lock);
  g_array_set_size (self->jumps, 0);
  g_mutex_unlock (&self->jump_lock);
  add_jump (self, offset, sample,
            self->ref != NULL && self->ref_heard && self->mode == LQ_REFERENCE_POSITION_OWN ? self->ref->length : self->length);
  g_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
source_seek_cb (GstAppSrc *appsrc,
                guint64    offset,
                gpointer   user_data)
{
  return TRUE;
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  LqPlayer *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      self->playing = FALSE;
      g_signal_emit (self, signals[SIGNAL_EOS], 0);
      break;
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) err = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &err, &debug);
        g_set_error (&error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID, _("Playback failed: %s"), err->message);
        gst_element_set_state (self->pipeline, GST_STATE_NULL);
        self->playing = FALSE;
        g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
      }
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_message_get_structure (message) == NULL)
        break;
      if (self->source_spectrum != NULL && GST_MESSAGE_SRC (message) == GST_OBJECT (self->source_spectrum))
        {
          g_autoptr(GstStructure) copy = gst_structure_copy (gst_message_get_structure (message));

          gst_structure_set_name (copy, "source-spectrum");
          g_signal_emit (self, signals[SIGNAL_METER], 0, copy);
        }
      else
        g_signal_emit (self, signals[SIGNAL_METER], 0, gst_message_get_structure (message));
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static void
lq_player_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LqPlayer *self = LQ_PLAYER (object);

  switch (prop_id)
    {
    case PROP_AB_SIDE:
      g_value_set_enum (value, self->side);
      break;
    case PROP_MATCH:
      g_value_set_boolean (value, self->match);
      break;
    case PROP_MATCH_GAIN:
      g_value_set_double (value, lq_player_get_match_gain (self));
      break;
    case PROP_REFERENCE:
      g_value_set_object (value, self->reference);
      break;
    case PROP_REFERENCE_POSITION:
      g_value_set_enum (value, self->ref_mode);
      break;
    case PROP_MEASURED:
      g_value_set_boolean (value, self->measured);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_player_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  LqPlayer *self = LQ_PLAYER (object);

  switch (prop_id)
    {
    case PROP_AB_SIDE:
      lq_player_set_ab_side (self, g_value_get_enum (value));
      break;
    case PROP_MATCH:
      lq_player_set_match (self, g_value_get_boolean (value));
      break;
    case PROP_REFERENCE:
      {
        g_autoptr(GError) error = NULL;

        if (!lq_player_set_reference (self, g_value_get_object (value), &error))
          g_warning ("%s", error->message);
      }
      break;
    case PROP_REFERENCE_POSITION:
      lq_player_set_reference_position (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_player_dispose (GObject *object)
{
  LqPlayer *self = LQ_PLAYER (object);

  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  g_clear_object (&self->appsrc);
  g_clear_object (&self->source_src);
  g_clear_object (&self->source_spectrum);
  g_clear_object (&self->pipeline);
  g_clear_pointer (&self->ab, lq_ab_free);
  self->ref = self->ref_old = NULL;
  g_clear_pointer (&self->refs, g_ptr_array_unref);
  g_clear_object (&self->reference);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (lq_player_parent_class)->dispose (object);
}

static void
lq_player_finalize (GObject *object)
{
  LqPlayer *self = LQ_PLAYER (object);

  g_array_unref (self->jumps);
  g_mutex_clear (&self->jump_lock);
  g_hash_table_unref (self->ref_lufs);
  g_hash_table_unref (self->ref_positions);
  g_free (self->abuf);
  g_free (self->ubuf);
  g_free (self->rbuf);
  g_free (self->obuf);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (lq_player_parent_class)->finalize (object);
}

static void
lq_player_class_init (LqPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = lq_player_dispose;
  object_class->finalize = lq_player_finalize;
  object_class->get_property = lq_player_get_property;
  object_class->set_property = lq_player_set_property;

  signals[SIGNAL_EOS] = g_signal_new ("eos", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_METER] = g_signal_new ("meter", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        GST_TYPE_STRUCTURE | G_SIGNAL_TYPE_STATIC_SCOPE);

  properties[PROP_AB_SIDE] =
    g_param_spec_enum ("ab-side", NULL, NULL, LQ_TYPE_AB_SIDE, LQ_AB_PROCESSED, rw);
  properties[PROP_MATCH] = g_param_spec_boolean ("match", NULL, NULL, TRUE, rw);
  properties[PROP_MATCH_GAIN] =
    g_param_spec_double ("match-gain", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, ro);
  properties[PROP_REFERENCE] = g_param_spec_object ("reference", NULL, NULL, LQ_TYPE_TRACK, rw);
  properties[PROP_REFERENCE_POSITION] =
    g_param_spec_enum ("reference-position", NULL, NULL, LQ_TYPE_REFERENCE_POSITION,
                       LQ_REFERENCE_POSITION_SHARED, rw);
  properties[PROP_MEASURED] = g_param_spec_boolean ("measured", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lq_player_init (LqPlayer *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->jump_lock);
  self->jumps = g_array_new (FALSE, FALSE, sizeof (Jump));
  self->match = TRUE;
  self->album_lufs[0] = self->album_lufs[1] = -HUGE_VAL;
  self->ref_lufs = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->ref_positions = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->refs = g_ptr_array_new_with_free_func ((GDestroyNotify) ref_source_free);
  self->album_gain = 1.0;
  self->abuf = g_new (float, PUSH_FRAMES * 2);
  self->ubuf = g_new (float, PUSH_FRAMES * 2);
  self->rbuf = g_new (float, PUSH_FRAMES * 2);
  self->obuf = g_new (float, PUSH_FRAMES * 2);
}

/* Adds @factory to the bin and links it after @prev when it exists; returns the new tail. */
static GstElement *
append_optional (GstBin     *bin,
                 GstElement *prev,
                 const char *factory,
                 const char *name)
{
  GstElement *element = gst_element_factory_make (factory, name);

  if (element == NULL)
    return prev;
  gst_bin_add (bin, element);
  if (!gst_element_link (prev, element))
    {
      gst_bin_remove (bin, element);
      return prev;
    }
  return element;
}

/* The spectrum and phase meters post at METER_INTERVAL_MS: the views redraw on each message */
static void
set_meter_interval (GstElement *element)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (element), "interval") != NULL)
    g_object_set (element, "interval", (guint64) METER_INTERVAL_MS * GST_MSECOND, NULL);
}

static GstCaps *
album_caps (guint rate)
{
  return gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, G_BYTE_ORDER == G_LITTLE_ENDIAN ? "F32LE" : "F32BE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, (int) rate,
                              "channels", G_TYPE_INT, 2,
                              "channel-mask", GST_TYPE_BITMASK, (guint64) 0x3,
                              NULL);
}

/* The branch of the unprocessed album: appsrc ! lqspectrum name=source-spectrum ! fakesink */
static void
add_source_branch (LqPlayer   *self,
                   GstCaps    *caps,
                   GstElement *main_sink)
{
  gboolean sync = TRUE;
  GstAppSrcCallbacks callbacks = { NULL, NULL, source_seek_cb, { NULL } };
  GstElement *src, *spectrum, *sink;

  spectrum = gst_element_factory_make ("lqspectrum", "source-spectrum");
  if (spectrum == NULL)
    return;
  set_meter_interval (spectrum);
  src = gst_element_factory_make ("appsrc", "source");
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME,
                "stream-type", GST_APP_STREAM_TYPE_SEEKABLE, NULL);
  gst_app_src_set_callbacks (GST_APP_SRC (src), &callbacks, self, NULL);
  /* In step with the audio output (or as fast as it when it does not sync to the clock) */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (main_sink), "sync") != NULL)
    g_object_get (main_sink, "sync", &sync, NULL);
  g_object_set (sink, "sync", sync, "async", FALSE, NULL);
  gst_bin_add_many (GST_BIN (self->pipeline), src, spectrum, sink, NULL);
  if (!gst_element_link_many (src, spectrum, sink, NULL))
    {
      gst_bin_remove_many (GST_BIN (self->pipeline), src, spectrum, sink, NULL);
      return;
    }
  self->source_src = gst_object_ref (src);
  self->source_spectrum = gst_object_ref (spectrum);
}

/**
 * lq_player_new:
 * @sink: (transfer floating) (nullable): the audio sink; %NULL for autoaudiosink
 *
 * Returns: (transfer full) (nullable): a player for @project, paused at the start; parameter
 *   edits are applied with lq_player_sync(), structural ones need a new player
 */
LqPlayer *
lq_player_new (LqProject   *project,
               GstElement  *sink,
               GError     **error)
{
  g_autoptr(LqPlayer) self = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstElement *convert, *resample, *tail;
  GstAppSrcCallbacks callbacks = { need_data_cb, NULL, seek_data_cb, { NULL } };

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  self = g_object_new (LQ_TYPE_PLAYER, NULL);
  self->project = g_object_ref (project);
  self->ab = lq_ab_new_full (project, LQ_ALBUM_READER_LIVE, error);
  if (self->ab == NULL)
    {
      if (sink != NULL)
        gst_object_ref_sink (sink), gst_object_unref (sink);
      return NULL;
    }
  self->rate = lq_project_get_rate (project);
  self->length = lq_ab_get_length (self->ab);
  self->ramp_frames = MAX ((guint64) (LQ_AB_CROSSFADE_MS * self->rate / 1000.0), 1);
  add_jump (self, 0, 0, self->length);

  if (sink == NULL)
    sink = gst_element_factory_make ("autoaudiosink", NULL);
  if (sink == NULL)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("No audio output is available (the GStreamer sink could not be made)"));
      return NULL;
    }

  self->pipeline = gst_object_ref_sink (gst_pipeline_new ("lacquer-player"));
  self->appsrc = gst_object_ref (gst_element_factory_make ("appsrc", "album"));
  convert = gst_element_factory_make ("audioconvert", NULL);
  resample = gst_element_factory_make ("audioresample", NULL);
  caps = album_caps (self->rate);
  /* At most one buffer waits in the appsrc: edits and switches are heard soon */
  g_object_set (self->appsrc, "caps", caps, "format", GST_FORMAT_TIME,
                "stream-type", GST_APP_STREAM_TYPE_SEEKABLE, "max-bytes", (guint64) (PUSH_FRAMES * 2 * sizeof (float)), NULL);
  gst_app_src_set_callbacks (GST_APP_SRC (self->appsrc), &callbacks, self, NULL);
  gst_app_src_set_duration (GST_APP_SRC (self->appsrc), gst_util_uint64_scale_int_round (self->length, GST_SECOND, self->rate));

  gst_bin_add_many (GST_BIN (self->pipeline), self->appsrc, convert, resample, sink, NULL);
  tail = self->appsrc;
  tail = append_optional (GST_BIN (self->pipeline), tail, "lqloudness", NULL);
  tail = append_optional (GST_BIN (self->pipeline), tail, "lqspectrum", NULL);
  set_meter_interval (tail);
  tail = append_optional (GST_BIN (self->pipeline), tail, "lqphase", NULL);
  set_meter_interval (tail);
  if (!gst_element_link_many (tail, convert, resample, sink, NULL))
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("The audio output cannot play %u Hz stereo audio"), self->rate);
      return NULL;
    }
  add_source_branch (self, caps, sink);

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);
  if (gst_element_set_state (self->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("The audio output could not be opened"));
      return NULL;
    }
  return g_steal_pointer (&self);
}

/* The length of what is heard: the album's, or a reference's heard in own mode */
static guint64
heard_length (LqPlayer *self)
{
  guint64 length;

  g_mutex_lock (&self->jump_lock);
  length = self->jumps->len > 0 ? g_array_index (self->jumps, Jump, self->jumps->len - 1).length : self->length;
  g_mutex_unlock (&self->jump_lock);
  return length;
}

/**
 * lq_player_get_pipeline:
 *
 * Returns: (transfer none): the playback pipeline
 */
GstElement *
lq_player_get_pipeline (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), NULL);
  return self->pipeline;
}

gboolean
lq_player_play (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);

  self->playing = gst_element_set_state (self->pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE;
  return self->playing;
}

gboolean
lq_player_pause (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);

  self->playing = FALSE;
  return gst_element_set_state (self->pipeline, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE;
}

void
lq_player_stop (LqPlayer *self)
{
  g_return_if_fail (LQ_IS_PLAYER (self));

  lq_player_pause (self);
  lq_player_seek (self, 0);
}

gboolean
lq_player_get_playing (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);
  return self->playing;
}

/**
 * lq_player_seek:
 *
 * Moves playback to album sample @sample (sample-accurate); in %LQ_REFERENCE_POSITION_SHARED
 * mode a reference moves with it; while a reference is heard in %LQ_REFERENCE_POSITION_OWN
 * mode, it moves the reference alone.
 */
gboolean
lq_player_seek (LqPlayer *self,
                guint64   sample)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);

  sample = MIN (sample, heard_length (self));
  return gst_element_seek_simple (self->pipeline, GST_FORMAT_TIME,
                                  GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                                  gst_util_uint64_scale_int_round (sample, GST_SECOND, self->rate));
}

/**
 * lq_player_get_position:
 *
 * Returns: the album sample being heard now (the reference's sample while a reference is
 *   heard in %LQ_REFERENCE_POSITION_OWN mode); it does not wait for the feeding thread
 */
guint64
lq_player_get_position (LqPlayer *self)
{
  gint64 pos = 0;
  guint64 sample = 0;

  g_return_val_if_fail (LQ_IS_PLAYER (self), 0);

  if (!gst_element_query_position (self->pipeline, GST_FORMAT_TIME, &pos) || pos < 0)
    return 0;
  g_mutex_lock (&self->jump_lock);
  for (guint i = self->jumps->len; i > 0; i--)
    {
      Jump *jump = &g_array_index (self->jumps, Jump, i - 1);
      if (jump->pts <= (GstClockTime) pos)
        {
          sample = jump->sample + gst_util_uint64_scale_round (pos - jump->pts, self->rate, GST_SECOND);
          sample = MIN (sample, jump->length);
          break;
        }
    }
  g_mutex_unlock (&self->jump_lock);
  return sample;
}

guint64
lq_player_get_length (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), 0);
  return self->length;
}

/**
 * lq_player_set_loop:
 *
 * Loops playback over [@start, @end) album samples, gapless; @end <= @start turns it off.
 */
void
lq_player_set_loop (LqPlayer *self,
                    guint64   start,
                    guint64   end)
{
  g_return_if_fail (LQ_IS_PLAYER (self));

  g_mutex_lock (&self->lock);
  self->loop_start = MIN (start, self->length);
  self->loop_end = MIN (end, self->length);
  g_mutex_unlock (&self->lock);
}


/**
 * lq_player_get_project:
 *
 * Returns: (transfer none): the project played
 */
LqProject *
lq_player_get_project (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), NULL);
  return self->project;
}

/**
 * lq_player_sync:
 *
 * Applies the project's parameter edits (element settings and bypass in the track and master
 * chains, track gain and match gain) to the audio being played, without a click: the
 * elements and the track gain ramp to their new values. Call it from the main thread after an
 * edit; the change is heard within about 100 ms (one buffer in the queue, plus the sink's).
 *
 * Returns: %FALSE when the project's structure changed (elements added, removed, reordered or
 *   reset; tracks added, removed, reordered or hidden; trims, pauses, crossfades, fades, stems):
 *   nothing is applied then and a new player is needed
 */
gboolean
lq_player_sync (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);

  /* lq_ab_sync() hands the settings over under the readers' own locks */
  return lq_ab_sync (self->ab, self->project);
}

/* The match gain (and the reference's gain) may have changed: main thread */
static void
update_gains (LqPlayer *self)
{
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->refs->len; i++)
    {
      RefSource *r = g_ptr_array_index (self->refs, i);

      r->match = pow (10.0, ref_match_db (self, r->track) / 20.0);
    }
  retarget_ref (self);
  g_mutex_unlock (&self->lock);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCH_GAIN]);
}

/**
 * lq_player_set_ab_side:
 *
 * Switches the album between processed (A) and unprocessed (B) with a short crossfade
 * (LQ_AB_CROSSFADE_MS) at the same sample; the two sides are read in lockstep.
 */
void
lq_player_set_ab_side (LqPlayer *self,
                       LqAbSide  side)
{
  g_return_if_fail (LQ_IS_PLAYER (self));
  g_return_if_fail (side == LQ_AB_PROCESSED || side == LQ_AB_UNPROCESSED);

  if (self->side == side)
    return;
  self->side = side;
  g_mutex_lock (&self->lock);
  lq_ab_set_side (self->ab, side);
  g_mutex_unlock (&self->lock);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AB_SIDE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCH_GAIN]);
}

LqAbSide
lq_player_get_ab_side (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), LQ_AB_PROCESSED);
  return self->side;
}

/**
 * lq_player_set_match:
 *
 * Loudness matching (on by default): the louder album side is turned down by the difference
 * of the two sides' integrated loudness, and a reference is turned down or up to the processed
 * album as it is heard (its match gain included). Needs lq_player_measure_async() first.
 */
void
lq_player_set_match (LqPlayer *self,
                     gboolean  match)
{
  g_return_if_fail (LQ_IS_PLAYER (self));

  match = !!match;
  if (self->match == match)
    return;
  self->match = match;
  g_mutex_lock (&self->lock);
  lq_ab_set_match (self->ab, match);
  g_mutex_unlock (&self->lock);
  update_gains (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCH]);
}

gboolean
lq_player_get_match (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), TRUE);
  return self->match;
}

/**
 * lq_player_get_match_gain:
 *
 * Returns: the loudness-match gain applied to what is heard now (the album side or the
 *   reference), dB; 0 when matching is off or the loudness is not measured
 */
double
lq_player_get_match_gain (LqPlayer *self)
{
  double db;

  g_return_val_if_fail (LQ_IS_PLAYER (self), 0.0);

  g_mutex_lock (&self->lock);
  if (self->reference != NULL)
    db = ref_match_db (self, self->reference);
  else
    db = lq_ab_get_side_gain (self->ab, self->side);
  g_mutex_unlock (&self->lock);
  return db;
}

static LqProject *
reference_project (LqTrack *track,
                   guint    rate)
{
  LqProject *project = g_object_new (LQ_TYPE_PROJECT, "rate", rate, NULL);

  lq_project_append_track (project, track);
  return project;
}

static gboolean
is_reference (LqPlayer *self,
              LqTrack  *track)
{
  GListModel *refs = lq_project_get_references (self->project);

  for (guint i = 0; i < g_list_model_get_n_items (refs); i++)
    {
      g_autoptr(LqTrack) item = g_list_model_get_item (refs, i);

      if (item == track)
        return TRUE;
    }
  return FALSE;
}

/**
 * lq_player_set_reference:
 * @reference: (nullable): a track of lq_project_get_references(), or %NULL for the album
 *
 * Crossfades (LQ_AB_CROSSFADE_MS) to @reference, loudness-matched (see lq_player_set_match()),
 * or back to the album. With %LQ_REFERENCE_POSITION_SHARED the reference plays at the album's
 * position (a loop region applies to it too); with %LQ_REFERENCE_POSITION_OWN the album and
 * each reference keep their own position, and lq_player_get_position() and
 * lq_player_seek() address what is heard. The reference is decoded by a worker: it is heard
 * as soon as it is ready (the album plays on until then).
 *
 * Returns: %FALSE when the reference cannot be read
 */
gboolean
lq_player_set_reference (LqPlayer  *self,
                         LqTrack   *reference,
                         GError   **error)
{
  RefSource *ref = NULL;
  gboolean was_heard;

  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);
  g_return_val_if_fail (reference == NULL || LQ_IS_TRACK (reference), FALSE);

  if (self->reference == reference)
    return TRUE;
  if (reference != NULL && !is_reference (self, reference))
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("“%s” is not a reference track of this project"),
                   lq_track_get_title (reference) ? lq_track_get_title (reference) : "");
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  for (guint i = 0; reference != NULL && i < self->refs->len; i++)
    if (((RefSource *) g_ptr_array_index (self->refs, i))->track == reference)
      ref = g_ptr_array_index (self->refs, i);
  g_mutex_unlock (&self->lock);
  if (reference != NULL && ref == NULL)
    {
      /* A new one: read by a reader of its own (whole track decoded by a worker) */
      g_autoptr(LqProject) project = reference_project (reference, self->rate);
      LqAlbumReader *reader = lq_album_reader_new (project, error);
      guint64 *own = g_hash_table_lookup (self->ref_positions, reference);

      if (reader == NULL)
        return FALSE;
      ref = g_new0 (RefSource, 1);
      ref->track = g_object_ref (reference);
      ref->project = g_steal_pointer (&project);
      ref->reader = reader;
      lq_album_reader_set_keep_tracks (reader, TRUE);
      ref->length = lq_album_reader_get_length (reader);
      ref->pos = own != NULL ? MIN (*own, ref->length) : 0;
      lq_album_reader_seek (reader, ref->pos, NULL);
    }

  g_mutex_lock (&self->lock);
  self->mode = self->ref_mode;
  was_heard = self->ref_heard;
  /* The reference left fades out (it keeps its own position) */
  if (self->ref != NULL)
    {
      if (self->ref_old != NULL && self->ref_old != ref)
        {
          self->ref_old->gain = 0.0;
          self->ref_old->ramp_left = 0;
        }
      self->ref_old = NULL;
      if (was_heard && (self->ref->gain > 0.0 || self->ref->ramp_left > 0))
        {
          self->ref_old = self->ref;
          ramp_to (&self->ref_old->gain, &self->ref_old->step, &self->ref_old->ramp_left, 0.0, self->ramp_frames);
        }
      self->ref = NULL;
    }
  if (was_heard && self->mode == LQ_REFERENCE_POSITION_OWN)
    add_jump (self, self->out_pts, self->next_sample, self->length);
  self->ref_heard = FALSE;
  if (ref != NULL)
    {
      guint index;

      if (ref == self->ref_old)
        self->ref_old = NULL; /* back to the one fading out: it fades in again from where it is */

      /* Most recent last; the oldest not fading out goes when there are too many */
      if (g_ptr_array_find (self->refs, ref, &index))
        g_ptr_array_steal_index (self->refs, index);
      for (guint i = 0; i < self->refs->len && self->refs->len >= REF_CACHE;)
        {
          RefSource *r = g_ptr_array_index (self->refs, i);
          guint64 *pos;

          if (r == self->ref_old)
            {
              i++;
              continue;
            }
          pos = g_new (guint64, 1);
          *pos = r->pos;
          g_hash_table_replace (self->ref_positions, g_object_ref (r->track), pos);
          g_ptr_array_remove_index (self->refs, i);
        }
      g_ptr_array_add (self->refs, ref);
      ref->match = pow (10.0, ref_match_db (self, ref->track) / 20.0);
      if (self->mode == LQ_REFERENCE_POSITION_SHARED && ref->pos != self->next_sample)
        {
          ref->pos = self->next_sample;
          lq_album_reader_seek (ref->reader, MIN (ref->pos, ref->length), NULL);
        }
      /* Starts decoding now; while it is not ready the album is heard */
      if (was_heard && !lq_album_reader_is_ready (ref->reader))
        ramp_to (&self->album_gain, &self->album_step, &self->album_ramp, 1.0, self->ramp_frames);
      self->ref = ref;
    }
  else
    {
      /* Back to the album */
      ramp_to (&self->album_gain, &self->album_step, &self->album_ramp, 1.0, self->ramp_frames);
    }
  g_mutex_unlock (&self->lock);

  g_set_object (&self->reference, reference);
  update_gains (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFERENCE]);
  return TRUE;
}

/**
 * lq_player_get_reference:
 *
 * Returns: (transfer none) (nullable): the reference selected, %NULL for the album
 */
LqTrack *
lq_player_get_reference (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), NULL);
  return self->reference;
}

/**
 * lq_player_get_reference_ready:
 *
 * Returns: %TRUE when the reference selected is decoded (it is heard from the next buffer on),
 *   or when none is selected; %FALSE while its worker decodes it (the album plays on)
 */
gboolean
lq_player_get_reference_ready (LqPlayer *self)
{
  gboolean ready;

  g_return_val_if_fail (LQ_IS_PLAYER (self), TRUE);

  g_mutex_lock (&self->lock);
  ready = self->ref == NULL || lq_album_reader_is_ready (self->ref->reader);
  g_mutex_unlock (&self->lock);
  return ready;
}

/**
 * lq_player_set_reference_position:
 *
 * Whether references play at the album's position (shared, the default) or each keeps its
 * own. Takes effect at the next reference selected.
 */
void
lq_player_set_reference_position (LqPlayer            *self,
                                  LqReferencePosition  mode)
{
  g_return_if_fail (LQ_IS_PLAYER (self));
  g_return_if_fail (mode == LQ_REFERENCE_POSITION_SHARED || mode == LQ_REFERENCE_POSITION_OWN);

  if (self->ref_mode == mode)
    return;
  if (self->reference != NULL)
    {
      /* Select the reference again under the new mode */
      g_autoptr(LqTrack) reference = g_object_ref (self->reference);

      lq_player_set_reference (self, NULL, NULL);
      self->ref_mode = mode;
      lq_player_set_reference (self, reference, NULL);
    }
  self->ref_mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFERENCE_POSITION]);
}

LqReferencePosition
lq_player_get_reference_position (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), LQ_REFERENCE_POSITION_SHARED);
  return self->ref_mode;
}

typedef struct
{
  LqAlbumReader *readers[2];  /* processed, unprocessed */
  GPtrArray *refs;            /* LqTrack */
  GPtrArray *ref_projects;    /* LqProject around each reference */
  GPtrArray *ref_readers;     /* LqAlbumReader, parallel */
  double album[2];            /* results */
  double *ref_lufs;           /* results, parallel to refs: LUFS, dBTP pairs */
  guint rate;
} Measure;

static void
measure_free (Measure *m)
{
  for (int s = 0; s < 2; s++)
    g_clear_pointer (&m->readers[s], lq_album_reader_free);
  g_ptr_array_unref (m->ref_readers);
  g_ptr_array_unref (m->ref_projects);
  g_ptr_array_unref (m->refs);
  g_free (m->ref_lufs);
  g_free (m);
}

static void
measure_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Measure *m = task_data;
  GError *error = NULL;

  for (int s = 0; s < 2; s++)
    {
      m->album[s] = lq_ab_measure_reader (m->readers[s], m->rate, NULL, cancellable, &error);
      if (isnan (m->album[s]))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  for (guint i = 0; i < m->ref_readers->len; i++)
    {
      m->ref_lufs[2 * i] = lq_ab_measure_reader (g_ptr_array_index (m->ref_readers, i), m->rate,
                                                 &m->ref_lufs[2 * i + 1], cancellable, &error);
      if (isnan (m->ref_lufs[2 * i]))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
measure_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LqPlayer *self = LQ_PLAYER (object);
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;
  Measure *m = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  self->album_lufs[0] = m->album[0];
  self->album_lufs[1] = m->album[1];
  for (guint i = 0; i < m->refs->len; i++)
    {
      double *lufs = g_new (double, 2);

      lufs[0] = m->ref_lufs[2 * i];
      lufs[1] = m->ref_lufs[2 * i + 1];
      g_hash_table_replace (self->ref_lufs, g_object_ref (g_ptr_array_index (m->refs, i)), lufs);
    }
  g_mutex_lock (&self->lock);
  lq_ab_set_loudness (self->ab, m->album[0], m->album[1]);
  g_mutex_unlock (&self->lock);
  self->measured = TRUE;
  update_gains (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEASURED]);
  g_task_return_boolean (outer, TRUE);
}

/**
 * lq_player_measure_async:
 *
 * Measures the integrated loudness (BS.1770) of the processed and the unprocessed album and
 * of every reference in a worker thread (the project as it is now), then updates the match
 * gains; "measured" is TRUE after.
 */
void
lq_player_measure_async (LqPlayer            *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  GListModel *refs;
  GError *error = NULL;
  Measure *m;

  g_return_if_fail (LQ_IS_PLAYER (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, lq_player_measure_async);
  m = g_new0 (Measure, 1);
  m->rate = self->rate;
  m->refs = g_ptr_array_new_with_free_func (g_object_unref);
  m->ref_projects = g_ptr_array_new_with_free_func (g_object_unref);
  m->ref_readers = g_ptr_array_new_with_free_func ((GDestroyNotify) lq_album_reader_free);
  /* Readers copy what they need from the project here, in the main thread */
  for (int s = 0; s < 2 && error == NULL; s++)
    m->readers[s] = lq_album_reader_new_full (self->project, s == LQ_AB_UNPROCESSED ? LQ_ALBUM_READER_BYPASS : 0, &error);
  refs = lq_project_get_references (self->project);
  for (guint i = 0; i < g_list_model_get_n_items (refs) && error == NULL; i++)
    {
      LqTrack *track = g_list_model_get_item (refs, i);
      LqProject *project = reference_project (track, self->rate);
      LqAlbumReader *reader = lq_album_reader_new (project, &error);

      g_ptr_array_add (m->refs, track);
      g_ptr_array_add (m->ref_projects, project);
      if (reader != NULL)
        g_ptr_array_add (m->ref_readers, reader);
    }
  if (error != NULL)
    {
      measure_free (m);
      g_task_return_error (outer, error);
      return;
    }
  m->ref_lufs = g_new0 (double, 2 * MAX (m->refs->len, 1));
  inner = g_task_new (self, cancellable, measure_done_cb, g_steal_pointer (&outer));
  g_task_set_task_data (inner, m, (GDestroyNotify) measure_free);
  g_task_run_in_thread (inner, measure_thread);
}

gboolean
lq_player_measure_finish (LqPlayer      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
lq_player_get_measured (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);
  return self->measured;
}

/**
 * lq_player_get_loudness:
 * @reference: (nullable): a reference, or %NULL for the album
 * @side: for the album, which side
 *
 * Returns: the integrated loudness measured by lq_player_measure_async(), LUFS, or -HUGE_VAL
 *   when not measured (or silent)
 */
double
lq_player_get_loudness (LqPlayer *self,
                        LqTrack  *reference,
                        LqAbSide  side)
{
  double *lufs;

  g_return_val_if_fail (LQ_IS_PLAYER (self), -HUGE_VAL);

  if (reference == NULL)
    return side == LQ_AB_UNPROCESSED ? self->album_lufs[1] : self->album_lufs[0];
  lufs = g_hash_table_lookup (self->ref_lufs, reference);
  return lufs != NULL && isfinite (*lufs) ? *lufs : -HUGE_VAL;
}

static void
set_device (GstElement *element,
            const char *device)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element), "device");

  if (pspec != NULL && pspec->value_type == G_TYPE_STRING && (pspec->flags & G_PARAM_WRITABLE))
    g_object_set (element, "device", device, NULL);
}

static void
deep_element_added_cb (GstBin     *bin,
                       GstBin     *sub_bin,
                       GstElement *element,
                       gpointer    user_data)
{
  set_device (element, user_data);
}

/**
 * lq_player_configure_sink:
 * @sink: an audio sink, or a bin holding one (autoaudiosink, a parsed description)
 * @device: (nullable): the output device (the GSettings key `audio-device`); %NULL or empty
 *   for the default
 *
 * Sets the `device` property of @sink, or of the sinks in it (also those a bin such as
 * autoaudiosink makes later), where there is one (pulsesink, alsasink, ...).
 */
void
lq_player_configure_sink (GstElement *sink,
                          const char *device)
{
  g_return_if_fail (GST_IS_ELEMENT (sink));

  if (device == NULL || device[0] == '\0')
    return;
  set_device (sink, device);
  if (GST_IS_BIN (sink))
    {
      GstIterator *it = gst_bin_iterate_recurse (GST_BIN (sink));
      GValue item = G_VALUE_INIT;

      while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
        {
          set_device (g_value_get_object (&item), device);
          g_value_reset (&item);
        }
      g_value_unset (&item);
      gst_iterator_free (it);
      g_signal_connect_data (sink, "deep-element-added", G_CALLBACK (deep_element_added_cb),
                             g_strdup (device), (GClosureNotify) (void (*) (void)) g_free, 0);
    }
}
