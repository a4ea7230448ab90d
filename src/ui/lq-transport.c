/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-transport"

#include "config.h"

#include <glib/gi18n.h>

#include "lq-player.h"
#include "lq-redbook.h"
#include "lq-sequence.h"
#include "lq-transport.h"

#define TICK_MS 33          /* position updates while playing (about the display rate) */
#define SCAN_MS 100         /* shuttle steps when scanning faster or backwards */
#define REBUILD_DELAY_MS 250 /* edits while playing are gathered this long before a new player */

struct _LqTransport
{
  GObject parent_instance;

  LqProject *project;      /* the album played */
  char *sink;              /* GStreamer bin description of the audio output */
  char *device;            /* the output device set with lq_transport_set_device(), or NULL */
  GSettings *settings;     /* the application's settings when installed (audio-device), or NULL */
  LqPlayer *player;        /* made on demand; NULL until the first play */
  gboolean dirty;          /* the project changed since the player was made */
  guint64 length;          /* album length in samples (LqSequence) */
  guint rate;              /* album rate */
  guint64 position;        /* the last known playback position */
  gboolean playing;
  int shuttle;             /* shuttle speed, see LqTransport:shuttle-speed */
  guint64 loop_start;
  guint64 loop_end;        /* loop region; end <= start: none */
  gboolean loop_enabled;
  guint tick_id;           /* position polling while playing */
  guint scan_id;           /* shuttle scanning */
  guint64 scan_position;   /* where the scan began */
  gint64 scan_time;        /* when it began (monotonic µs) */
  guint rebuild_id;        /* a new player after edits while playing */
};

G_DEFINE_FINAL_TYPE (LqTransport, lq_transport, G_TYPE_OBJECT)

static void rebuild (LqTransport *self);

enum {
  PROP_0,
  PROP_POSITION,
  PROP_LENGTH,
  PROP_PLAYING,
  PROP_SHUTTLE_SPEED,
  PROP_LOOP_START,
  PROP_LOOP_END,
  PROP_LOOP_ENABLED,
  PROP_PLAYER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_position_internal (LqTransport *self,
                       guint64      position)
{
  position = MIN (position, self->length);
  if (position == self->position)
    return;
  self->position = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

static void
set_playing (LqTransport *self,
             gboolean     playing,
             int          shuttle)
{
  if (self->playing != playing)
    {
      self->playing = playing;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
    }
  if (self->shuttle != shuttle)
    {
      self->shuttle = shuttle;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHUTTLE_SPEED]);
    }
  if (!playing)
    {
      g_clear_handle_id (&self->tick_id, g_source_remove);
      g_clear_handle_id (&self->scan_id, g_source_remove);
    }
}

static void
drop_player (LqTransport *self)
{
  if (self->player == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->player, self);
  lq_player_pause (self->player);
  g_clear_object (&self->player);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYER]);
}

static void
apply_loop (LqTransport *self)
{
  if (self->player == NULL)
    return;
  if (self->loop_enabled && self->loop_end > self->loop_start)
    lq_player_set_loop (self->player, self->loop_start, self->loop_end);
  else
    lq_player_set_loop (self->player, 0, 0);
}

static void
update_length (LqTransport *self)
{
  g_autoptr(LqSequence) sequence = NULL;
  guint64 length = 0;

  if (self->project != NULL)
    {
      sequence = lq_sequence_new (self->project);
      length = sequence->length;
      self->rate = sequence->rate;
    }
  if (length != self->length)
    {
      self->length = length;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LENGTH]);
    }
  set_position_internal (self, MIN (self->position, length));
}

static void
player_eos_cb (LqTransport *self,
               LqPlayer    *player)
{
  set_position_internal (self, self->length);
  set_playing (self, FALSE, 0);
}

static void
player_error_cb (LqTransport  *self,
                 const GError *error,
                 LqPlayer     *player)
{
  set_playing (self, FALSE, 0);
  g_object_ref (self);
  drop_player (self);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
  g_object_unref (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  LqTransport *self = user_data;

  /* While scanning, the scan sets the position. */
  if (self->player != NULL && self->playing && self->scan_id == 0)
    set_position_internal (self, lq_player_get_position (self->player));
  return G_SOURCE_CONTINUE;
}

static GstElement *
make_sink (LqTransport  *self,
           GError      **error)
{
  const char *description = self->sink != NULL && *self->sink ? self->sink : "autoaudiosink";
  g_autoptr(GError) local = NULL;
  GstElement *sink = gst_parse_bin_from_description (description, TRUE, &local);

  if (sink == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 _("The audio output “%s” cannot be used: %s"), description, local->message);
  else
    {
      g_autofree char *device = lq_transport_dup_device (self);

      lq_player_configure_sink (sink, device);
    }
  return sink;
}

/* Makes the player when there is none or the project changed since, at the current position. */
static gboolean
ensure_player (LqTransport  *self,
               GError      **error)
{
  GstElement *sink;

  if (self->player != NULL && !self->dirty)
    return TRUE;
  drop_player (self);
  if (self->project == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("There is nothing to play"));
      return FALSE;
    }
  update_length (self);
  sink = make_sink (self, error);
  if (sink == NULL)
    return FALSE;
  self->player = lq_player_new (self->project, sink, error);
  if (self->player == NULL)
    return FALSE;
  self->dirty = FALSE;
  g_signal_connect_object (self->player, "eos", G_CALLBACK (player_eos_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "error", G_CALLBACK (player_error_cb), self, G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYER]);
  apply_loop (self);
  if (self->position > 0)
    lq_player_seek (self->player, self->position);
  return TRUE;
}

static gboolean
start (LqTransport  *self,
       int           shuttle,
       GError      **error)
{
  if (self->length == 0)
    update_length (self);
  if (self->length == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("There is nothing to play"));
      return FALSE;
    }
  if (!self->playing && self->position >= self->length)
    self->position = 0;
  if (!ensure_player (self, error))
    return FALSE;
  if (!self->playing && !lq_player_play (self->player))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Playback could not start"));
      return FALSE;
    }
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
  set_playing (self, TRUE, shuttle);
  return TRUE;
}

/* Scanning (shuttle speeds other than 1): the playhead moves at speed times real time from
 * where the scan began, whatever the player reports; every SCAN_MS it is sent there and plays
 * a little from its new place (seeks can take a while: the time is measured, not counted). */
static gint64
scan_target (LqTransport *self)
{
  double elapsed = (g_get_monotonic_time () - self->scan_time) / (double) G_USEC_PER_SEC;

  return (gint64) self->scan_position + (gint64) (self->shuttle * elapsed * self->rate);
}

static gboolean
scan_cb (gpointer user_data)
{
  LqTransport *self = user_data;
  gint64 target;

  if (self->player == NULL || !self->playing)
    {
      self->scan_id = 0;
      return G_SOURCE_REMOVE;
    }
  target = scan_target (self);
  if (target <= 0 || (guint64) target >= self->length)
    {
      lq_transport_pause (self);
      lq_transport_seek (self, target <= 0 ? 0 : self->length);
      return G_SOURCE_REMOVE;
    }
  lq_transport_seek (self, (guint64) target);
  return G_SOURCE_CONTINUE;
}

static gboolean
rebuild_cb (gpointer user_data)
{
  LqTransport *self = user_data;
  g_autoptr(GError) error = NULL;
  int shuttle = self->shuttle;

  self->rebuild_id = 0;
  if (!self->playing || !self->dirty)
    return G_SOURCE_REMOVE;
  if (self->player != NULL)
    set_position_internal (self, lq_player_get_position (self->player));
  set_playing (self, FALSE, 0);
  if (!start (self, shuttle, &error))
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
  return G_SOURCE_REMOVE;
}

static void
lq_transport_dispose (GObject *object)
{
  LqTransport *self = LQ_TRANSPORT (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->scan_id, g_source_remove);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  drop_player (self);
  g_clear_object (&self->project);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lq_transport_parent_class)->dispose (object);
}

static void
lq_transport_finalize (GObject *object)
{
  LqTransport *self = LQ_TRANSPORT (object);

  g_free (self->sink);
  g_free (self->device);

  G_OBJECT_CLASS (lq_transport_parent_class)->finalize (object);
}

static void
lq_transport_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LqTransport *self = LQ_TRANSPORT (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_uint64 (value, self->position);
      break;
    case PROP_LENGTH:
      g_value_set_uint64 (value, self->length);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_SHUTTLE_SPEED:
      g_value_set_int (value, self->shuttle);
      break;
    case PROP_LOOP_START:
      g_value_set_uint64 (value, self->loop_start);
      break;
    case PROP_LOOP_END:
      g_value_set_uint64 (value, self->loop_end);
      break;
    case PROP_LOOP_ENABLED:
      g_value_set_boolean (value, self->loop_enabled);
      break;
    case PROP_PLAYER:
      g_value_set_object (value, self->player);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_transport_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LqTransport *self = LQ_TRANSPORT (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      lq_transport_seek (self, g_value_get_uint64 (value));
      break;
    case PROP_LOOP_ENABLED:
      lq_transport_set_loop_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_transport_class_init (LqTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = lq_transport_dispose;
  object_class->finalize = lq_transport_finalize;
  object_class->get_property = lq_transport_get_property;
  object_class->set_property = lq_transport_set_property;

  properties[PROP_POSITION] = g_param_spec_uint64 ("position", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties[PROP_LENGTH] = g_param_spec_uint64 ("length", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE, ro);
  properties[PROP_SHUTTLE_SPEED] =
    g_param_spec_int ("shuttle-speed", NULL, NULL, -LQ_TRANSPORT_MAX_SHUTTLE, LQ_TRANSPORT_MAX_SHUTTLE, 0, ro);
  properties[PROP_LOOP_START] = g_param_spec_uint64 ("loop-start", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_LOOP_END] = g_param_spec_uint64 ("loop-end", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_LOOP_ENABLED] = g_param_spec_boolean ("loop-enabled", NULL, NULL, FALSE, rw);
  /**
   * LqTransport:player:
   *
   * The player now (a new one after edits; NULL until the first play): connect to its "meter"
   * signal for the live meters.
   */
  properties[PROP_PLAYER] = g_param_spec_object ("player", NULL, NULL, LQ_TYPE_PLAYER, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
device_changed_cb (LqTransport *self)
{
  if (self->device == NULL)
    rebuild (self);
}

static void
lq_transport_init (LqTransport *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  self->rate = 44100;
  /* The output device follows the `audio-device` setting (when the schema is installed) */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "audio-device"))
    {
      self->settings = g_settings_new (APP_ID);
      g_signal_connect_object (self->settings, "changed::audio-device", G_CALLBACK (device_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
}

LqTransport *
lq_transport_new (void)
{
  return g_object_new (LQ_TYPE_TRANSPORT, NULL);
}

/**
 * lq_transport_set_project:
 *
 * Plays @project from now on (stopped, at its start).
 */
void
lq_transport_set_project (LqTransport *self,
                          LqProject   *project)
{
  g_return_if_fail (LQ_IS_TRANSPORT (self));
  g_return_if_fail (project == NULL || LQ_IS_PROJECT (project));

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  set_playing (self, FALSE, 0);
  drop_player (self);
  g_set_object (&self->project, project);
  self->loop_start = self->loop_end = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP_START]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP_END]);
  update_length (self);
  set_position_internal (self, 0);
}

/**
 * lq_transport_set_sink:
 * @description: (nullable): a GStreamer bin description; %NULL for autoaudiosink
 *
 * The audio output of the next player made.
 */
void
lq_transport_set_sink (LqTransport *self,
                       const char  *description)
{
  g_return_if_fail (LQ_IS_TRANSPORT (self));

  if (g_strcmp0 (self->sink, description) == 0)
    return;
  g_free (self->sink);
  self->sink = g_strdup (description);
  rebuild (self);
}

/**
 * lq_transport_set_device:
 * @device: (nullable): the output device given to the sink's `device` property (pulsesink,
 *   alsasink, ...); "" for the default, %NULL to follow the `audio-device` setting again
 *
 * The output device of the next player made (see lq_player_configure_sink()).
 */
void
lq_transport_set_device (LqTransport *self,
                         const char  *device)
{
  g_return_if_fail (LQ_IS_TRANSPORT (self));

  if (g_strcmp0 (self->device, device) == 0)
    return;
  g_free (self->device);
  self->device = g_strdup (device);
  rebuild (self);
}

/**
 * lq_transport_dup_device:
 *
 * Returns: (transfer full) (nullable): the output device used: the one set, else the
 *   `audio-device` setting; %NULL or "" for the default
 */
char *
lq_transport_dup_device (LqTransport *self)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), NULL);

  if (self->device != NULL)
    return g_strdup (self->device);
  if (self->settings != NULL)
    return g_settings_get_string (self->settings, "audio-device");
  return NULL;
}

const char *
lq_transport_get_sink (LqTransport *self)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), NULL);
  return self->sink != NULL ? self->sink : "autoaudiosink";
}

/**
 * lq_transport_invalidate:
 *
 * The project changed. Parameter edits (element settings and bypass, track gains) are handed
 * to the running player (lq_player_sync()): heard within a few tens of ms, without a click or
 * a new player. Structural edits: the album length is computed again and the next play uses a
 * new player; while playing, a new player takes over shortly, at the same position.
 */
void
lq_transport_invalidate (LqTransport *self)
{
  g_return_if_fail (LQ_IS_TRANSPORT (self));

  /* Parameter edits go to the running player, live and click-free */
  if (self->player != NULL && !self->dirty && lq_player_sync (self->player))
    return;
  rebuild (self);
}

/* The next play, or the playback now after a short while, uses a new player. */
static void
rebuild (LqTransport *self)
{
  self->dirty = TRUE;
  update_length (self);
  if (self->playing && self->rebuild_id == 0)
    self->rebuild_id = g_timeout_add (REBUILD_DELAY_MS, rebuild_cb, self);
}

gboolean
lq_transport_play (LqTransport  *self,
                   GError      **error)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), FALSE);

  g_clear_handle_id (&self->scan_id, g_source_remove);
  return start (self, 1, error);
}

void
lq_transport_pause (LqTransport *self)
{
  g_return_if_fail (LQ_IS_TRANSPORT (self));

  if (self->player != NULL)
    {
      if (self->playing && self->scan_id == 0)
        set_position_internal (self, lq_player_get_position (self->player));
      else if (self->playing)
        lq_transport_seek (self, (guint64) CLAMP (scan_target (self), 0, (gint64) self->length));
      lq_player_pause (self->player);
    }
  set_playing (self, FALSE, 0);
}

/**
 * lq_transport_toggle:
 *
 * Plays when paused, pauses when playing.
 */
gboolean
lq_transport_toggle (LqTransport  *self,
                     GError      **error)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), FALSE);

  if (self->playing)
    {
      lq_transport_pause (self);
      return TRUE;
    }
  return lq_transport_play (self, error);
}

/* Pauses and goes back to the start. */
void
lq_transport_stop (LqTransport *self)
{
  g_return_if_fail (LQ_IS_TRANSPORT (self));

  lq_transport_pause (self);
  lq_transport_seek (self, 0);
}

/**
 * lq_transport_seek:
 *
 * Moves to album sample @sample (clamped to the album), playing or not.
 */
void
lq_transport_seek (LqTransport *self,
                   guint64      sample)
{
  g_return_if_fail (LQ_IS_TRANSPORT (self));

  sample = MIN (sample, self->length);
  if (self->player != NULL && !self->dirty)
    lq_player_seek (self->player, sample);
  self->position = G_MAXUINT64; /* always notify: the views follow a seek */
  set_position_internal (self, sample);
}

/**
 * lq_transport_shuttle:
 * @direction: -1 (J: backwards, faster each time), 0 (K: stop), 1 (L: forwards, faster each time)
 *
 * The J/K/L shuttle of video and audio editors. Speeds other than normal play are heard as
 * short stretches of audio with jumps in between (the way a CD player scans).
 */
gboolean
lq_transport_shuttle (LqTransport  *self,
                      int           direction,
                      GError      **error)
{
  guint64 here;
  int speed;

  g_return_val_if_fail (LQ_IS_TRANSPORT (self), FALSE);

  if (direction == 0)
    {
      lq_transport_pause (self);
      return TRUE;
    }
  /* Where the playhead is now: a scan's place, or the player's. */
  if (self->playing && self->scan_id != 0)
    here = (guint64) CLAMP (scan_target (self), 0, (gint64) self->length);
  else if (self->playing && self->player != NULL)
    here = lq_player_get_position (self->player);
  else
    here = self->position;
  if (direction > 0)
    speed = self->shuttle <= 0 ? 1 : MIN (self->shuttle * 2, LQ_TRANSPORT_MAX_SHUTTLE);
  else
    speed = self->shuttle >= 0 ? -1 : MAX (self->shuttle * 2, -LQ_TRANSPORT_MAX_SHUTTLE);
  if (!start (self, speed, error))
    return FALSE;
  if (speed == 1)
    {
      if (self->scan_id != 0)
        {
          g_clear_handle_id (&self->scan_id, g_source_remove);
          lq_transport_seek (self, here);
        }
      return TRUE;
    }
  self->scan_position = here;
  self->scan_time = g_get_monotonic_time ();
  if (self->scan_id == 0)
    self->scan_id = g_timeout_add (SCAN_MS, scan_cb, self);
  return TRUE;
}

guint64
lq_transport_get_position (LqTransport *self)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), 0);
  return self->position;
}

guint64
lq_transport_get_length (LqTransport *self)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), 0);
  return self->length;
}

guint
lq_transport_get_rate (LqTransport *self)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), 44100);
  return self->rate;
}

/**
 * lq_transport_get_player:
 *
 * Returns: (transfer none) (nullable): the player now, see LqTransport:player
 */
LqPlayer *
lq_transport_get_player (LqTransport *self)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), NULL);
  return self->player;
}

gboolean
lq_transport_get_playing (LqTransport *self)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), FALSE);
  return self->playing;
}

int
lq_transport_get_shuttle_speed (LqTransport *self)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), 0);
  return self->shuttle;
}

/**
 * lq_transport_set_loop:
 *
 * The loop region [@start, @end) in album samples; @end <= @start clears it. Playback loops
 * over it while LqTransport:loop-enabled is set.
 */
void
lq_transport_set_loop (LqTransport *self,
                       guint64      start_sample,
                       guint64      end_sample)
{
  g_return_if_fail (LQ_IS_TRANSPORT (self));

  if (end_sample <= start_sample)
    start_sample = end_sample = 0;
  if (self->loop_start != start_sample)
    {
      self->loop_start = start_sample;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP_START]);
    }
  if (self->loop_end != end_sample)
    {
      self->loop_end = end_sample;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP_END]);
    }
  apply_loop (self);
}

guint64
lq_transport_get_loop_start (LqTransport *self)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), 0);
  return self->loop_start;
}

guint64
lq_transport_get_loop_end (LqTransport *self)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), 0);
  return self->loop_end;
}

void
lq_transport_set_loop_enabled (LqTransport *self,
                               gboolean     enabled)
{
  g_return_if_fail (LQ_IS_TRANSPORT (self));

  enabled = !!enabled;
  if (self->loop_enabled == enabled)
    return;
  self->loop_enabled = enabled;
  apply_loop (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP_ENABLED]);
}

gboolean
lq_transport_get_loop_enabled (LqTransport *self)
{
  g_return_val_if_fail (LQ_IS_TRANSPORT (self), FALSE);
  return self->loop_enabled;
}

/**
 * lq_format_time:
 *
 * Returns: @samples as a clock time to the hundredth, "m:ss.cc" (or "h:mm:ss.cc")
 */
char *
lq_format_time (guint64 samples,
                guint   rate)
{
  guint64 cs = rate ? (samples * 100 + rate / 2) / rate : 0;
  guint64 s = cs / 100;

  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u.%02u", (guint) (s / 3600), (guint) (s / 60 % 60),
                            (guint) (s % 60), (guint) (cs % 100));
  return g_strdup_printf ("%u:%02u.%02u", (guint) (s / 60), (guint) (s % 60), (guint) (cs % 100));
}

/**
 * lq_format_msf:
 *
 * Returns: @samples in CD frames (1/75 s, rounded down) as "mm:ss:ff"
 */
char *
lq_format_msf (guint64 samples,
               guint   rate)
{
  return lq_redbook_format_msf (rate ? samples * LQ_CD_FRAMES_PER_SECOND / rate : 0);
}
