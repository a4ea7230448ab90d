/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-album-layout"

#include "config.h"

#include <math.h>

#include "lq-album-layout.h"

struct _LqAlbumLayout
{
  GObject parent_instance;

  LqProject *project;      /* the album shown, or NULL */
  LqPeakStore *peaks;      /* waveform peaks of the tracks' files */
  GPtrArray *watched;      /* LqTrack whose notify we follow (references) */
  LqSequence *sequence;    /* the current layout, or NULL when stale */
  guint serial;            /* counts changes, so views can tell their caches are stale */
};

G_DEFINE_FINAL_TYPE (LqAlbumLayout, lq_album_layout, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (LqAlbumLayout *self,
              gboolean       audible)
{
  g_clear_pointer (&self->sequence, lq_sequence_free);
  self->serial++;
  /* Processed peaks that depend on the change go stale now (views fall back to the fades
   * outline) and are rebuilt once edits pause. */
  if (audible && self->peaks != NULL)
    lq_peak_store_invalidate_processed (self->peaks);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, audible);
}

static void
track_notify_cb (LqAlbumLayout *self,
                 GParamSpec    *pspec,
                 LqTrack       *track)
{
  static const char *metadata[] = { "title", "performer", "songwriter", "composer", "isrc", NULL };

  emit_changed (self, !g_strv_contains (metadata, pspec->name));
}

static void
chain_changed_cb (LqAlbumLayout *self,
                  LqChain       *chain)
{
  emit_changed (self, TRUE);
}

static void
unwatch_tracks (LqAlbumLayout *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    {
      LqTrack *track = g_ptr_array_index (self->watched, i);

      g_signal_handlers_disconnect_by_data (track, self);
      if (lq_track_get_chain (track) != NULL)
        g_signal_handlers_disconnect_by_data (lq_track_get_chain (track), self);
    }
  g_ptr_array_set_size (self->watched, 0);
}

static void
watch_tracks (LqAlbumLayout *self)
{
  unwatch_tracks (self);
  if (self->project == NULL)
    return;
  for (guint i = 0; i < lq_project_get_n_tracks (self->project); i++)
    {
      LqTrack *track = lq_project_get_track (self->project, i);

      g_signal_connect_object (track, "notify", G_CALLBACK (track_notify_cb), self, G_CONNECT_SWAPPED);
      if (lq_track_get_chain (track) != NULL)
        g_signal_connect_object (lq_track_get_chain (track), "changed", G_CALLBACK (chain_changed_cb),
                                 self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->watched, g_object_ref (track));
    }
}

static void
tracks_changed_cb (LqAlbumLayout *self,
                   guint          position,
                   guint          removed,
                   guint          added,
                   GListModel    *model)
{
  watch_tracks (self);
  emit_changed (self, TRUE);
}

static void
project_notify_cb (LqAlbumLayout *self,
                   GParamSpec    *pspec,
                   LqProject     *project)
{
  static const char *metadata[] = { "title", "artist", "songwriter", "composer", "genre", "message",
                                    "upc", "preset", "file", NULL };

  emit_changed (self, !g_strv_contains (metadata, pspec->name));
}

static void
peaks_loaded_cb (LqAlbumLayout *self,
                 GFile         *file,
                 LqPeakStore   *store)
{
  self->serial++;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, FALSE);
}

static void
processed_cb (LqAlbumLayout *self,
              LqTrack       *track,
              LqPeakStore   *store)
{
  self->serial++;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, FALSE);
}

static void
lq_album_layout_dispose (GObject *object)
{
  LqAlbumLayout *self = LQ_ALBUM_LAYOUT (object);

  lq_album_layout_set_project (self, NULL);
  if (self->peaks != NULL)
    g_signal_handlers_disconnect_by_data (self->peaks, self);
  g_clear_object (&self->peaks);

  G_OBJECT_CLASS (lq_album_layout_parent_class)->dispose (object);
}

static void
lq_album_layout_finalize (GObject *object)
{
  LqAlbumLayout *self = LQ_ALBUM_LAYOUT (object);

  g_ptr_array_unref (self->watched);
  g_clear_pointer (&self->sequence, lq_sequence_free);

  G_OBJECT_CLASS (lq_album_layout_parent_class)->finalize (object);
}

static void
lq_album_layout_class_init (LqAlbumLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lq_album_layout_dispose;
  object_class->finalize = lq_album_layout_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
lq_album_layout_init (LqAlbumLayout *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * lq_album_layout_new:
 * @peaks: (nullable): where the waveforms come from; %NULL: no waveforms
 */
LqAlbumLayout *
lq_album_layout_new (LqPeakStore *peaks)
{
  LqAlbumLayout *self = g_object_new (LQ_TYPE_ALBUM_LAYOUT, NULL);

  if (peaks != NULL)
    {
      self->peaks = g_object_ref (peaks);
      g_signal_connect_object (peaks, "loaded", G_CALLBACK (peaks_loaded_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (peaks, "processed", G_CALLBACK (processed_cb), self, G_CONNECT_SWAPPED);
    }
  return self;
}

void
lq_album_layout_set_project (LqAlbumLayout *self,
                             LqProject     *project)
{
  g_return_if_fail (LQ_IS_ALBUM_LAYOUT (self));
  g_return_if_fail (project == NULL || LQ_IS_PROJECT (project));

  if (self->project == project)
    return;
  if (self->project != NULL)
    {
      g_signal_handlers_disconnect_by_data (lq_project_get_tracks (self->project), self);
      g_signal_handlers_disconnect_by_data (lq_project_get_master (self->project), self);
      g_signal_handlers_disconnect_by_data (self->project, self);
    }
  g_set_object (&self->project, project);
  if (self->peaks != NULL)
    lq_peak_store_set_project (self->peaks, project);
  if (project != NULL)
    {
      g_signal_connect_object (lq_project_get_tracks (project), "items-changed",
                               G_CALLBACK (tracks_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (project, "notify", G_CALLBACK (project_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (lq_project_get_master (project), "changed", G_CALLBACK (chain_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
  watch_tracks (self);
  emit_changed (self, TRUE);
}

/**
 * lq_album_layout_get_project:
 *
 * Returns: (transfer none) (nullable): the project laid out
 */
LqProject *
lq_album_layout_get_project (LqAlbumLayout *self)
{
  g_return_val_if_fail (LQ_IS_ALBUM_LAYOUT (self), NULL);
  return self->project;
}

/**
 * lq_album_layout_get_peak_store:
 *
 * Returns: (transfer none) (nullable): where the waveforms come from
 */
LqPeakStore *
lq_album_layout_get_peak_store (LqAlbumLayout *self)
{
  g_return_val_if_fail (LQ_IS_ALBUM_LAYOUT (self), NULL);
  return self->peaks;
}

/**
 * lq_album_layout_get_sequence:
 *
 * Returns: (transfer none): the album's layout now (empty without a project); valid until the
 *   next "changed"
 */
const LqSequence *
lq_album_layout_get_sequence (LqAlbumLayout *self)
{
  g_return_val_if_fail (LQ_IS_ALBUM_LAYOUT (self), NULL);

  if (self->sequence == NULL)
    {
      if (self->project != NULL)
        self->sequence = lq_sequence_new (self->project);
      else
        {
          self->sequence = g_new0 (LqSequence, 1);
          self->sequence->rate = 44100;
          self->sequence->placements = g_new0 (LqPlacement, 1);
        }
    }
  return self->sequence;
}

/**
 * lq_album_layout_find_track:
 * @index: a position in the project's track list
 *
 * Returns: (nullable): the placement of that track, %NULL for a hidden one
 */
const LqPlacement *
lq_album_layout_find_track (LqAlbumLayout *self,
                            guint          index)
{
  const LqSequence *seq;

  g_return_val_if_fail (LQ_IS_ALBUM_LAYOUT (self), NULL);

  seq = lq_album_layout_get_sequence (self);
  for (guint i = 0; i < seq->n_placements; i++)
    if (seq->placements[i].index == index)
      return &seq->placements[i];
  return NULL;
}

/**
 * lq_album_layout_find_at:
 *
 * Returns: (nullable): the track heard at album sample @sample (the later one in a
 *   crossfade), or the one whose pause it is, %NULL past the end
 */
const LqPlacement *
lq_album_layout_find_at (LqAlbumLayout *self,
                         guint64        sample)
{
  const LqSequence *seq;

  g_return_val_if_fail (LQ_IS_ALBUM_LAYOUT (self), NULL);

  seq = lq_album_layout_get_sequence (self);
  for (guint i = seq->n_placements; i > 0; i--)
    {
      const LqPlacement *p = &seq->placements[i - 1];
      if (sample >= MIN (p->pause_start, p->start) && sample < p->end)
        return p;
    }
  return NULL;
}

/**
 * lq_album_layout_get_peaks:
 *
 * Returns: (transfer none) (nullable): the waveform of @track's file, %NULL while it loads, for a
 *   track made of stems, or without a peak store
 */
LqPeakCache *
lq_album_layout_get_peaks (LqAlbumLayout *self,
                           LqTrack       *track)
{
  g_return_val_if_fail (LQ_IS_ALBUM_LAYOUT (self), NULL);
  g_return_val_if_fail (LQ_IS_TRACK (track), NULL);

  if (self->peaks == NULL || lq_track_get_file (track) == NULL || lq_track_get_missing (track)
      || g_list_model_get_n_items (lq_track_get_stems (track)) > 0)
    return NULL;
  return lq_peak_store_lookup (self->peaks, lq_track_get_file (track));
}

/**
 * lq_album_layout_get_processed_peaks:
 *
 * Returns: (transfer none) (nullable): the waveform of @track as heard (its chain, gain and
 *   fades; album rate, frame 0 at the track's start), %NULL while it is built or without a
 *   peak store (see lq_peak_store_lookup_processed())
 */
LqPeakCache *
lq_album_layout_get_processed_peaks (LqAlbumLayout *self,
                                     LqTrack       *track)
{
  g_return_val_if_fail (LQ_IS_ALBUM_LAYOUT (self), NULL);
  g_return_val_if_fail (LQ_IS_TRACK (track), NULL);

  if (self->peaks == NULL)
    return NULL;
  return lq_peak_store_lookup_processed (self->peaks, track);
}

/**
 * lq_album_layout_get_fades:
 * @placement: a placement of the current sequence
 *
 * Fills @fades with what @placement is heard with (see #LqPlacementFades).
 */
void
lq_album_layout_get_fades (LqAlbumLayout      *self,
                           const LqPlacement  *placement,
                           LqPlacementFades   *fades)
{
  const LqSequence *seq;
  const LqPlacement *next = NULL;
  LqTrack *track;

  g_return_if_fail (LQ_IS_ALBUM_LAYOUT (self));
  g_return_if_fail (placement != NULL && fades != NULL);

  seq = lq_album_layout_get_sequence (self);
  if (placement >= seq->placements && placement + 1 < seq->placements + seq->n_placements)
    next = placement + 1;
  track = placement->track;
  if (placement->overlap_in > 0)
    {
      fades->in_length = placement->overlap_in;
      fades->in_curve = lq_track_get_crossfade_curve (track);
    }
  else
    {
      fades->in_length = MIN (lq_track_get_fade_in (track), placement->length);
      fades->in_curve = lq_track_get_fade_in_curve (track);
    }
  if (placement->overlap_out > 0 && next != NULL)
    {
      fades->out_length = placement->overlap_out;
      fades->out_curve = lq_track_get_crossfade_curve (next->track);
    }
  else
    {
      fades->out_length = MIN (lq_track_get_fade_out (track), placement->length);
      fades->out_curve = lq_track_get_fade_out_curve (track);
    }
  fades->gain_db = lq_track_get_gain (track) + lq_track_get_match_gain (track);
}

/**
 * lq_placement_fades_envelope:
 * @length: the placement's length
 * @offset: samples from the placement's start
 *
 * Returns: the linear gain at @offset: gain times the fades (as LqGain applies them)
 */
double
lq_placement_fades_envelope (const LqPlacementFades *fades,
                             guint64                 length,
                             gint64                  offset)
{
  double g = pow (10.0, fades->gain_db / 20.0);

  if (offset < 0 || offset >= (gint64) length)
    return 0.0;
  if (fades->in_length > 0 && offset < (gint64) fades->in_length)
    g *= lq_fade_curve (fades->in_curve, (double) offset / fades->in_length);
  if (fades->out_length > 0 && offset >= (gint64) (length - fades->out_length))
    g *= lq_fade_curve (fades->out_curve,
                        1.0 - (double) (offset - (gint64) (length - fades->out_length)) / fades->out_length);
  return g;
}

/* A number that changes with every "changed" (for views that cache what they drew). */
guint
lq_album_layout_get_serial (LqAlbumLayout *self)
{
  g_return_val_if_fail (LQ_IS_ALBUM_LAYOUT (self), 0);
  return self->serial;
}

/* ---- The stretch of the album a view shows ---- */

/* Returns: the samples shown, at least 1 */
double
lq_view_range_get_length (const LqViewRange *range)
{
  return (double) MAX (range->end - range->start, 1);
}

/* Returns: the x of @sample in a view @width pixels wide (outside [0, width] when not shown) */
double
lq_view_range_sample_to_x (const LqViewRange *range,
                           guint64            sample,
                           double             width)
{
  return ((double) sample - (double) range->start) * width / lq_view_range_get_length (range);
}

/* Returns: the sample at @x, within the album of @length samples */
guint64
lq_view_range_x_to_sample (const LqViewRange *range,
                           double             x,
                           double             width,
                           guint64            length)
{
  double s = range->start + x / MAX (width, 1) * lq_view_range_get_length (range);

  return (guint64) CLAMP (s, 0.0, (double) length);
}

/* Returns: the pixel column of @sample (a playhead), G_MININT when it is not in view */
int
lq_view_range_column (const LqViewRange *range,
                      guint64            sample,
                      double             width)
{
  if (sample < range->start || sample > range->end)
    return G_MININT;
  return (int) floor (lq_view_range_sample_to_x (range, sample, width));
}

/**
 * lq_view_range_set:
 * @length: the album's length
 * @min_length: the deepest zoom, in samples across the view
 *
 * Shows [@start, @end), kept within the album and no shorter than @min_length (an empty
 * range, @end <= @start, shows the whole album).
 */
void
lq_view_range_set (LqViewRange *range,
                   guint64      start,
                   guint64      end,
                   guint64      length,
                   guint64      min_length)
{
  if (length == 0)
    start = end = 0;
  else
    {
      guint64 len = end > start ? end - start : length;

      len = CLAMP (len, MIN (min_length, length), length);
      start = MIN (start, length - len);
      end = start + len;
    }
  range->start = start;
  range->end = end;
  range->fit = start == 0 && end >= length;
}

/* Zooms by @factor (the new length over the current) keeping the sample under @anchor_x. */
void
lq_view_range_zoom (LqViewRange *range,
                    double       factor,
                    double       anchor_x,
                    double       width,
                    guint64      length,
                    guint64      min_length)
{
  double anchor, len, start;

  if (length == 0)
    return;
  width = MAX (width, 1);
  anchor = range->start + anchor_x / width * lq_view_range_get_length (range);
  len = CLAMP (lq_view_range_get_length (range) * factor, (double) MIN (min_length, length), (double) length);
  start = CLAMP (anchor - anchor_x / width * len, 0.0, (double) length - len);
  lq_view_range_set (range, (guint64) llround (start), (guint64) llround (start + len), length, min_length);
}

/* ---- Zoom and scroll gestures of the views ---- */

typedef struct
{
  const LqViewGestures *gestures; /* the view's callbacks (static) */
  GtkWidget *widget;              /* the view (owns this) */
  double pointer_x;               /* last pointer position over it, for Ctrl+scroll */
  guint64 zoom_begin_length;      /* view length when a pinch began */
} ViewGestures;

static double
gesture_view_length (ViewGestures *g,
                     guint64      *start,
                     guint64      *end,
                     guint64      *length)
{
  g->gestures->get_view (g->widget, start, end, length);
  return (double) MAX (*end - *start, 1);
}

static void
view_motion_cb (GtkEventControllerMotion *controller,
                double                    x,
                double                    y,
                ViewGestures             *g)
{
  g->pointer_x = x;
}

static gboolean
view_scroll_cb (GtkEventControllerScroll *controller,
                double                    dx,
                double                    dy,
                ViewGestures             *g)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  guint64 start, end, length;
  double len = gesture_view_length (g, &start, &end, &length);
  double shift;

  if (length == 0)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    {
      g->gestures->zoom (g->widget, pow (1.2, dy), g->pointer_x);
      return TRUE;
    }
  if (g->gestures->pass_scroll_when_fit && start == 0 && end >= length)
    return FALSE; /* nothing to move: let the page scroll */
  /* A wheel step moves a tenth of the width; a touchpad by the distance moved. */
  shift = (dx + dy) * 0.1 * len;
  if (gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller)) != NULL
      && gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_SURFACE)
    shift = (dx + dy) * len / MAX (gtk_widget_get_width (g->widget), 1);
  if (shift < 0 && (guint64) -shift > start)
    g->gestures->set_view (g->widget, 0, end - start);
  else
    g->gestures->set_view (g->widget, (guint64) ((double) start + shift),
                           (guint64) ((double) start + shift) + (end - start));
  return TRUE;
}

static void
view_zoom_begin_cb (GtkGesture       *gesture,
                    GdkEventSequence *sequence,
                    ViewGestures     *g)
{
  guint64 start, end, length;

  g->gestures->get_view (g->widget, &start, &end, &length);
  g->zoom_begin_length = end - start;
}

static void
view_zoom_scale_changed_cb (GtkGestureZoom *gesture,
                            double          scale,
                            ViewGestures   *g)
{
  guint64 start, end, length;
  double current = gesture_view_length (g, &start, &end, &length);
  double x, y;

  if (gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (gesture)) == NULL
      || !gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    x = gtk_widget_get_width (g->widget) / 2.0;
  g->gestures->zoom (g->widget, g->zoom_begin_length / MAX (scale, 0.01) / current, x);
}

/**
 * lq_view_gestures_attach:
 * @widget: an album view
 * @gestures: (not nullable): its callbacks; must outlive @widget (a static struct)
 *
 * Adds the shared zoom and scroll gestures (see #LqViewGestures) to @widget.
 */
void
lq_view_gestures_attach (GtkWidget            *widget,
                         const LqViewGestures *gestures)
{
  ViewGestures *g;
  GtkEventController *controller;
  GtkGesture *gesture;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (gestures != NULL && gestures->get_view != NULL && gestures->set_view != NULL
                    && gestures->zoom != NULL);

  g = g_new0 (ViewGestures, 1);
  g->gestures = gestures;
  g->widget = widget;
  g_object_set_data_full (G_OBJECT (widget), "lq-view-gestures", g, g_free);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (view_motion_cb), g);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (view_scroll_cb), g);
  gtk_widget_add_controller (widget, controller);

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (view_zoom_begin_cb), g);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (view_zoom_scale_changed_cb), g);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));
}
