/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-timeline"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lq-timeline.h"

/* The album timeline: every track as a block drawn to scale, in album order, with the gaps
 * between them. */

#define GAP_SECONDS 2.0 /* drawn between tracks until the sequencer sets real pauses */
#define MARGIN 8.0

struct _LqTimeline
{
  GtkWidget parent_instance;

  LqProject *project;
};

G_DEFINE_FINAL_TYPE (LqTimeline, lq_timeline, GTK_TYPE_WIDGET)

static void
tracks_changed_cb (LqTimeline *self,
                   guint       position,
                   guint       removed,
                   guint       added,
                   GListModel *model)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
lq_timeline_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  LqTimeline *self = LQ_TIMELINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  guint n;
  double total = 0.0, x, scale;

  if (self->project == NULL || (n = lq_project_get_n_tracks (self->project)) == 0)
    return;

  for (guint i = 0; i < n; i++)
    total += lq_track_get_duration (lq_project_get_track (self->project, i));
  total += GAP_SECONDS * n;
  scale = (width - 2 * MARGIN) / MAX (total, 1.0);
  x = MARGIN;

  for (guint i = 0; i < n; i++)
    {
      LqTrack *track = lq_project_get_track (self->project, i);
      double w = lq_track_get_duration (track) * scale;
      GskRoundedRect rect;
      GdkRGBA fill;
      g_autoptr(PangoLayout) layout = NULL;
      g_autofree char *label = g_strdup_printf ("%u  %s", i + 1, lq_track_get_title (track));

      x += GAP_SECONDS * scale;
      gdk_rgba_parse (&fill, i % 2 ? "#3584e4" : "#1c71d8");
      if (!dark)
        fill.alpha = 0.85;
      gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (x, MARGIN, MAX (w, 2.0), height - 2 * MARGIN), 6);
      gtk_snapshot_push_rounded_clip (snapshot, &rect);
      gtk_snapshot_append_color (snapshot, &fill, &rect.bounds);

      layout = gtk_widget_create_pango_layout (widget, label);
      pango_layout_set_width (layout, (int) MAX (0, (w - 12) * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 6, MARGIN + 6));
      gtk_snapshot_append_layout (snapshot, layout, &(GdkRGBA) { 1, 1, 1, 1 });
      gtk_snapshot_restore (snapshot);
      gtk_snapshot_pop (snapshot);
      x += w;
    }
}

static void
lq_timeline_dispose (GObject *object)
{
  LqTimeline *self = LQ_TIMELINE (object);

  lq_timeline_set_project (self, NULL);

  G_OBJECT_CLASS (lq_timeline_parent_class)->dispose (object);
}

static void
lq_timeline_class_init (LqTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_timeline_dispose;
  widget_class->snapshot = lq_timeline_snapshot;

  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lq_timeline_init (LqTimeline *self)
{
}

GtkWidget *
lq_timeline_new (void)
{
  return g_object_new (LQ_TYPE_TIMELINE, NULL);
}

void
lq_timeline_set_project (LqTimeline *self,
                         LqProject  *project)
{
  g_return_if_fail (LQ_IS_TIMELINE (self));
  g_return_if_fail (project == NULL || LQ_IS_PROJECT (project));

  if (self->project == project)
    return;
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (lq_project_get_tracks (self->project), self);
  g_set_object (&self->project, project);
  if (project != NULL)
    g_signal_connect_object (lq_project_get_tracks (project), "items-changed",
                             G_CALLBACK (tracks_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
