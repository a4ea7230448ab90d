/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-track-list"

#include "config.h"

#include <glib/gi18n.h>

#include "lq-track-list.h"
#include "lq-track-row.h"

typedef struct
{
  double integrated_lufs;
  double true_peak_dbtp;
} Loudness;

struct _LqTrackList
{
  GtkWidget parent_instance;

  LqProject *project;          /* the album */
  LqHistory *history;          /* where moves go */
  GtkSingleSelection *selection; /* over the project's tracks */
  LqTrack *selected_track;     /* kept selected across moves and undo */
  GHashTable *loudness;        /* LqTrack -> Loudness, measured tracks */
  gboolean loudness_stale;     /* the values are being measured again */
  GPtrArray *rows;             /* LqTrackRow alive (not referenced) */
  int playing;                 /* the position of the track heard, -1 none */
  gboolean in_change;          /* the track list is changing: selection changes are transient */

  /* Template widgets */
  GtkWidget *scroller;
  GtkListView *list_view;
};

G_DEFINE_FINAL_TYPE (LqTrackList, lq_track_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_REMOVE_REQUESTED,
  SIGNAL_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
refresh_row (LqTrackList *self,
             LqTrackRow  *row)
{
  LqTrack *track = lq_track_row_get_track (row);
  Loudness *l = track != NULL ? g_hash_table_lookup (self->loudness, track) : NULL;

  if (l != NULL)
    lq_track_row_set_loudness (row, TRUE, self->loudness_stale, l->integrated_lufs, l->true_peak_dbtp);
  else
    lq_track_row_set_loudness (row, FALSE, FALSE, 0, 0);
  lq_track_row_set_playing (row, self->playing >= 0 && lq_track_row_get_number (row) == (guint) self->playing + 1);
}

static void
item_position_cb (LqTrackList *self,
                  GParamSpec  *pspec,
                  GtkListItem *item)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  if (row != NULL && gtk_list_item_get_item (item) != NULL)
    {
      lq_track_row_set_number (LQ_TRACK_ROW (row), gtk_list_item_get_position (item) + 1);
      refresh_row (self, LQ_TRACK_ROW (row));
    }
}

/* ---- Drag and drop of rows ---- */

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 LqTrackRow    *row)
{
  guint number = lq_track_row_get_number (row);

  if (number == 0)
    return NULL;
  return gdk_content_provider_new_typed (G_TYPE_UINT, number - 1);
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               LqTrackRow    *row)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (row));

  gtk_drag_source_set_icon (source, paintable, 0, 0);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         LqTrackRow    *row)
{
  LqTrackList *self = LQ_TRACK_LIST (gtk_widget_get_ancestor (GTK_WIDGET (row), LQ_TYPE_TRACK_LIST));
  guint number = lq_track_row_get_number (row);

  if (self == NULL || number == 0 || !G_VALUE_HOLDS_UINT (value))
    return FALSE;
  return lq_track_list_move (self, g_value_get_uint (value), number - 1);
}

/* ---- Factory ---- */

static void
row_gone_cb (gpointer  data,
             GObject  *row)
{
  LqTrackList *self = data;

  g_ptr_array_remove_fast (self->rows, row);
}

static void
setup_cb (LqTrackList              *self,
          GtkListItem              *item,
          GtkSignalListItemFactory *factory)
{
  GtkWidget *row = lq_track_row_new ();
  GtkDragSource *source = gtk_drag_source_new ();
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_UINT, GDK_ACTION_MOVE);

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (drag_prepare_cb), row);
  g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));

  gtk_list_item_set_child (item, row);
  g_signal_connect_object (item, "notify::position", G_CALLBACK (item_position_cb), self, G_CONNECT_SWAPPED);
  g_ptr_array_add (self->rows, row);
  g_object_weak_ref (G_OBJECT (row), row_gone_cb, self);
}

static void
bind_cb (LqTrackList              *self,
         GtkListItem              *item,
         GtkSignalListItemFactory *factory)
{
  LqTrackRow *row = LQ_TRACK_ROW (gtk_list_item_get_child (item));

  lq_track_row_set_track (row, gtk_list_item_get_item (item));
  lq_track_row_set_number (row, gtk_list_item_get_position (item) + 1);
  refresh_row (self, row);
}

static void
unbind_cb (LqTrackList              *self,
           GtkListItem              *item,
           GtkSignalListItemFactory *factory)
{
  lq_track_row_set_track (LQ_TRACK_ROW (gtk_list_item_get_child (item)), NULL);
}

/* ---- Selection ---- */

static void
selected_cb (LqTrackList        *self,
             GParamSpec         *pspec,
             GtkSingleSelection *selection)
{
  /* While the list changes (a move is a removal then an insertion), the selection model picks
   * neighbours; the track the user selected is kept and selected again afterwards. */
  if (self->in_change)
    return;
  g_set_object (&self->selected_track, gtk_single_selection_get_selected_item (selection));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
tracks_changing_cb (LqTrackList *self,
                    guint        position,
                    guint        removed,
                    guint        added,
                    GListModel  *model)
{
  self->in_change = TRUE;
}

static void
tracks_changed_cb (LqTrackList *self,
                   guint        position,
                   guint        removed,
                   guint        added,
                   GListModel  *model)
{
  guint n = g_list_model_get_n_items (model);

  self->in_change = FALSE;
  if (self->selected_track != NULL
      && gtk_single_selection_get_selected_item (self->selection) != (gpointer) self->selected_track)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(GObject) item = g_list_model_get_item (model, i);

        if (item == (gpointer) self->selected_track)
          {
            gtk_single_selection_set_selected (self->selection, i);
            break;
          }
      }
  if (self->selected_track == NULL)
    g_set_object (&self->selected_track, gtk_single_selection_get_selected_item (self->selection));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
activate_cb (LqTrackList *self,
             guint        position,
             GtkListView *view)
{
  g_signal_emit (self, signals[SIGNAL_ACTIVATED], 0, (int) position);
}

static gboolean
move_up_cb (GtkWidget *widget,
            GVariant  *args,
            gpointer   user_data)
{
  return lq_track_list_move_selected (LQ_TRACK_LIST (widget), -1);
}

static gboolean
move_down_cb (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  return lq_track_list_move_selected (LQ_TRACK_LIST (widget), 1);
}

static gboolean
remove_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  LqTrackList *self = LQ_TRACK_LIST (widget);

  if (lq_track_list_get_selected (self) < 0)
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_REMOVE_REQUESTED], 0, lq_track_list_get_selected (self));
  return TRUE;
}

/* ---- GObject ---- */

static void
lq_track_list_dispose (GObject *object)
{
  LqTrackList *self = LQ_TRACK_LIST (object);

  lq_track_list_set_project (self, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LQ_TYPE_TRACK_LIST);

  G_OBJECT_CLASS (lq_track_list_parent_class)->dispose (object);
}

static void
lq_track_list_finalize (GObject *object)
{
  LqTrackList *self = LQ_TRACK_LIST (object);

  for (guint i = 0; i < self->rows->len; i++)
    g_object_weak_unref (g_ptr_array_index (self->rows, i), row_gone_cb, self);
  g_hash_table_unref (self->loudness);
  g_ptr_array_unref (self->rows);

  G_OBJECT_CLASS (lq_track_list_parent_class)->finalize (object);
}

static void
lq_track_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LqTrackList *self = LQ_TRACK_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_int (value, lq_track_list_get_selected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_track_list_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LqTrackList *self = LQ_TRACK_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      lq_track_list_set_selected (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_track_list_class_init (LqTrackListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_track_list_dispose;
  object_class->finalize = lq_track_list_finalize;
  object_class->get_property = lq_track_list_get_property;
  object_class->set_property = lq_track_list_set_property;

  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LqTrackList::remove-requested:
   * @position: the track to remove
   */
  signals[SIGNAL_REMOVE_REQUESTED] =
    g_signal_new ("remove-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  /**
   * LqTrackList::activated:
   * @position: the track activated (Enter or double click)
   */
  signals[SIGNAL_ACTIVATED] =
    g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/lq-track-list.ui");
  gtk_widget_class_bind_template_child (widget_class, LqTrackList, scroller);
  gtk_widget_class_bind_template_child (widget_class, LqTrackList, list_view);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, GDK_ALT_MASK, move_up_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Up, GDK_ALT_MASK, move_up_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, GDK_ALT_MASK, move_down_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Down, GDK_ALT_MASK, move_down_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Delete, 0, remove_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Delete, 0, remove_cb, NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tracklist");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lq_track_list_init (LqTrackList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  self->loudness = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->rows = g_ptr_array_new ();
  self->playing = -1;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Tracks"), -1);

  g_signal_connect_swapped (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect_swapped (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect_swapped (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_signal_connect_swapped (self->list_view, "activate", G_CALLBACK (activate_cb), self);
}

GtkWidget *
lq_track_list_new (void)
{
  return g_object_new (LQ_TYPE_TRACK_LIST, NULL);
}

/**
 * lq_track_list_set_project:
 * @project: (nullable): the album
 * @history: (nullable): where moves are recorded
 */
void
lq_track_list_set_project (LqTrackList *self,
                           LqProject   *project,
                           LqHistory   *history)
{
  g_return_if_fail (LQ_IS_TRACK_LIST (self));
  g_return_if_fail (project == NULL || LQ_IS_PROJECT (project));
  g_return_if_fail (history == NULL || LQ_IS_HISTORY (history));

  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (lq_project_get_tracks (self->project), self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selected_track);
  g_hash_table_remove_all (self->loudness);
  self->loudness_stale = FALSE;
  self->playing = -1;
  g_set_object (&self->project, project);
  g_set_object (&self->history, history);
  g_clear_object (&self->selection);

  if (project != NULL)
    {
      /* Before and after the selection model's own handler */
      g_signal_connect_object (lq_project_get_tracks (project), "items-changed",
                               G_CALLBACK (tracks_changing_cb), self, G_CONNECT_SWAPPED);
      self->selection = gtk_single_selection_new (g_object_ref (lq_project_get_tracks (project)));
      g_signal_connect_object (lq_project_get_tracks (project), "items-changed",
                               G_CALLBACK (tracks_changed_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (selected_cb), self, G_CONNECT_SWAPPED);
      g_set_object (&self->selected_track, gtk_single_selection_get_selected_item (self->selection));
    }
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

/**
 * lq_track_list_get_list_view:
 *
 * Returns: (transfer none): the list view
 */
GtkListView *
lq_track_list_get_list_view (LqTrackList *self)
{
  g_return_val_if_fail (LQ_IS_TRACK_LIST (self), NULL);
  return self->list_view;
}

int
lq_track_list_get_selected (LqTrackList *self)
{
  guint selected;

  g_return_val_if_fail (LQ_IS_TRACK_LIST (self), -1);

  if (self->selection == NULL)
    return -1;
  selected = gtk_single_selection_get_selected (self->selection);
  return selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected;
}

void
lq_track_list_set_selected (LqTrackList *self,
                            int          position)
{
  g_return_if_fail (LQ_IS_TRACK_LIST (self));

  if (self->selection == NULL || position == lq_track_list_get_selected (self))
    return;
  if (position < 0 || (guint) position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", (guint) position);
}

/**
 * lq_track_list_get_selected_track:
 *
 * Returns: (transfer none) (nullable): the selected track
 */
LqTrack *
lq_track_list_get_selected_track (LqTrackList *self)
{
  g_return_val_if_fail (LQ_IS_TRACK_LIST (self), NULL);

  if (self->selection == NULL)
    return NULL;
  return gtk_single_selection_get_selected_item (self->selection);
}

/**
 * lq_track_list_move:
 *
 * Moves the track at @from to @to as one undoable step, and selects it.
 *
 * Returns: whether it moved
 */
gboolean
lq_track_list_move (LqTrackList *self,
                    guint        from,
                    guint        to)
{
  GListModel *tracks;
  guint n;

  g_return_val_if_fail (LQ_IS_TRACK_LIST (self), FALSE);

  if (self->project == NULL)
    return FALSE;
  tracks = lq_project_get_tracks (self->project);
  n = g_list_model_get_n_items (tracks);
  if (from >= n || to >= n || from == to || !G_IS_LIST_STORE (tracks))
    return FALSE;

  g_set_object (&self->selected_track, lq_project_get_track (self->project, from));
  if (self->history != NULL)
    lq_history_list_move (self->history, G_LIST_STORE (tracks), from, to, _("Move Track"));
  else
    {
      g_autoptr(GObject) item = g_list_model_get_item (tracks, from);
      g_list_store_remove (G_LIST_STORE (tracks), from);
      g_list_store_insert (G_LIST_STORE (tracks), to, item);
    }
  gtk_single_selection_set_selected (self->selection, to);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", to);
  return TRUE;
}

/**
 * lq_track_list_move_selected:
 * @delta: -1 moves the selected track up, 1 down
 */
gboolean
lq_track_list_move_selected (LqTrackList *self,
                             int          delta)
{
  int selected;
  int to;

  g_return_val_if_fail (LQ_IS_TRACK_LIST (self), FALSE);

  selected = lq_track_list_get_selected (self);
  if (selected < 0)
    return FALSE;
  to = selected + delta;
  if (to < 0 || (guint) to >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return FALSE;
  return lq_track_list_move (self, selected, to);
}

/**
 * lq_track_list_set_loudness:
 *
 * Shows @track's measured loudness (as delivered: the window measures the rendered album).
 */
void
lq_track_list_set_loudness (LqTrackList *self,
                            LqTrack     *track,
                            double       integrated_lufs,
                            double       true_peak_dbtp)
{
  Loudness *l;

  g_return_if_fail (LQ_IS_TRACK_LIST (self));
  g_return_if_fail (LQ_IS_TRACK (track));

  l = g_new (Loudness, 1);
  l->integrated_lufs = integrated_lufs;
  l->true_peak_dbtp = true_peak_dbtp;
  g_hash_table_replace (self->loudness, g_object_ref (track), l);
  for (guint i = 0; i < self->rows->len; i++)
    if (lq_track_row_get_track (g_ptr_array_index (self->rows, i)) == track)
      refresh_row (self, g_ptr_array_index (self->rows, i));
}

/**
 * lq_track_list_get_loudness:
 * @integrated_lufs: (out) (optional): the loudness shown for @track
 * @true_peak_dbtp: (out) (optional): its true peak
 * @stale: (out) (optional): whether it is being measured again
 *
 * Returns: %TRUE when values are shown for @track
 */
gboolean
lq_track_list_get_loudness (LqTrackList *self,
                            LqTrack     *track,
                            double      *integrated_lufs,
                            double      *true_peak_dbtp,
                            gboolean    *stale)
{
  Loudness *l;

  g_return_val_if_fail (LQ_IS_TRACK_LIST (self), FALSE);

  l = g_hash_table_lookup (self->loudness, track);
  if (l == NULL)
    return FALSE;
  if (integrated_lufs != NULL)
    *integrated_lufs = l->integrated_lufs;
  if (true_peak_dbtp != NULL)
    *true_peak_dbtp = l->true_peak_dbtp;
  if (stale != NULL)
    *stale = self->loudness_stale;
  return TRUE;
}

/**
 * lq_track_list_set_loudness_stale:
 * @stale: the values shown are from before an edit and are being measured again
 */
void
lq_track_list_set_loudness_stale (LqTrackList *self,
                                  gboolean     stale)
{
  g_return_if_fail (LQ_IS_TRACK_LIST (self));

  if (self->loudness_stale == stale)
    return;
  self->loudness_stale = stale;
  for (guint i = 0; i < self->rows->len; i++)
    refresh_row (self, g_ptr_array_index (self->rows, i));
}

/**
 * lq_track_list_set_playing:
 * @position: the track being heard, -1 for none
 */
void
lq_track_list_set_playing (LqTrackList *self,
                           int          position)
{
  g_return_if_fail (LQ_IS_TRACK_LIST (self));

  if (self->playing == position)
    return;
  self->playing = position;
  for (guint i = 0; i < self->rows->len; i++)
    refresh_row (self, g_ptr_array_index (self->rows, i));
}
