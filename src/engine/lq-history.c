/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-history"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gobject/gvaluecollector.h>
#include <gst/gst.h>

#include "lq-chain.h"
#include "lq-history.h"

/*
 * How it works: the undo stack is a queue of steps, oldest first; each step is a list of
 * commands, redone in order and undone in reverse. A command is a property change (target
 * object, property, old and new value, all referenced), a chain element setting (which
 * LqChainElement keeps as a string, not a GObject property; it merges the same way) or a
 * custom pair of functions. An edit clears the redo stack. Each step carries a serial that
 * names the state after it; the save point is the serial current when the project was saved,
 * so the project is modified exactly when the current serial differs from it (undoing back to
 * the save point makes it clean again, and a merge into a step gives the step a fresh serial).
 *
 * Merging: a property edit may fold into the step on top of the stack when that step holds a
 * single edit of the same property of the same object, made less than merge-window ago, with
 * nothing else (undo, redo, save, another edit) in between. Inside a group every edit goes into
 * the group's step, and consecutive edits of one property fold into one command.
 */

typedef enum
{
  COMMAND_PROPERTY,
  COMMAND_SETTING,
  COMMAND_CUSTOM,
} CommandKind;

typedef struct
{
  CommandKind kind;
  GObject *object;        /* PROPERTY, SETTING: the object that changes (a reference) */
  GParamSpec *pspec;      /* PROPERTY: the property (a reference) */
  const char *key;        /* SETTING: the chain element's setting (interned); its bypass
                           * when the values are booleans, else a property as a string */
  GStrv order;            /* SETTING: the element's setting names, in order, before the edit
                           * (a removed setting comes back in its place) */
  GValue old_value;       /* PROPERTY, SETTING: the value undo restores */
  GValue new_value;       /* PROPERTY, SETTING: the value redo restores */
  LqHistoryFunc undo;     /* CUSTOM: reverts the edit */
  LqHistoryFunc redo;     /* CUSTOM: applies the edit */
  gpointer data;          /* CUSTOM: passed to undo and redo, owned by the command */
  GDestroyNotify destroy; /* CUSTOM: frees data, or NULL */
} Command;

typedef struct
{
  char *label;         /* what the step did, for "Undo <label>" (may be NULL) */
  GPtrArray *commands; /* Command, redone in order and undone in reverse */
  guint64 serial;      /* names the state right after this step */
  gint64 last_edit;    /* monotonic time (µs) of the last edit recorded into the step */
} Step;

typedef struct
{
  GObject *store;    /* the list edited, a GListStore or an LqChain (a reference) */
  GObject *item;     /* the item inserted, removed, moved or put in place (a reference) */
  GObject *old_item; /* replace: the item taken out (a reference), else NULL */
  guint from;        /* remove and move: where the item was */
  guint to;          /* insert, move and replace: where the item ends up */
} ListEdit;

struct _LqHistory
{
  GObject parent_instance;

  GQueue undo;           /* Step, oldest at the head, the next to undo at the tail */
  GPtrArray *redo;       /* Step, the next to redo last */
  guint64 next_serial;   /* serial for the next step or merge */
  guint64 base_serial;   /* the state with an empty undo stack */
  guint64 saved_serial;  /* the state last saved; G_MAXUINT64 when none matches */
  guint max_depth;       /* steps kept at most */
  guint merge_window;    /* ms within which edits of one property merge; 0 = never */
  guint group_depth;     /* nesting of begin_group/end_group */
  char *group_label;     /* label of the open group */
  Step *group_step;      /* the open group's step once it has an edit, else NULL */
  gboolean merge_open;   /* the top step may take the next edit of its property */
  gboolean applying;     /* inside undo/redo/push: edits are applied, not recorded */

  gboolean can_undo;     /* last notified values, to notify only on change */
  gboolean can_redo;
  gboolean modified;
  char *undo_label;
  char *redo_label;
};

G_DEFINE_FINAL_TYPE (LqHistory, lq_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_UNDO_LABEL,
  PROP_REDO_LABEL,
  PROP_MODIFIED,
  PROP_MAX_DEPTH,
  PROP_MERGE_WINDOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
command_free (Command *command)
{
  if (command->kind != COMMAND_CUSTOM)
    {
      g_clear_object (&command->object);
      g_clear_pointer (&command->pspec, g_param_spec_unref);
      g_clear_pointer (&command->order, g_strfreev);
      if (G_IS_VALUE (&command->old_value))
        g_value_unset (&command->old_value);
      if (G_IS_VALUE (&command->new_value))
        g_value_unset (&command->new_value);
    }
  else if (command->destroy != NULL)
    {
      command->destroy (command->data);
    }
  g_free (command);
}

static void
step_free (Step *step)
{
  g_ptr_array_unref (step->commands);
  g_free (step->label);
  g_free (step);
}

static Step *
step_new (const char *label)
{
  Step *step = g_new0 (Step, 1);

  step->label = g_strdup (label);
  step->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) command_free);
  return step;
}

static void
list_edit_free (gpointer data)
{
  ListEdit *edit = data;

  g_clear_object (&edit->store);
  g_clear_object (&edit->item);
  g_clear_object (&edit->old_item);
  g_free (edit);
}

static guint64
current_serial (LqHistory *self)
{
  Step *top = g_queue_peek_tail (&self->undo);

  return top != NULL ? top->serial : self->base_serial;
}

static void
update (LqHistory *self)
{
  Step *top = g_queue_peek_tail (&self->undo);
  Step *next = self->redo->len > 0 ? g_ptr_array_index (self->redo, self->redo->len - 1) : NULL;
  gboolean can_undo = top != NULL;
  gboolean can_redo = next != NULL;
  gboolean modified = current_serial (self) != self->saved_serial;
  const char *undo_label = top != NULL ? top->label : NULL;
  const char *redo_label = next != NULL ? next->label : NULL;

  g_object_freeze_notify (G_OBJECT (self));
  if (can_undo != self->can_undo)
    {
      self->can_undo = can_undo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
    }
  if (can_redo != self->can_redo)
    {
      self->can_redo = can_redo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
    }
  if (modified != self->modified)
    {
      self->modified = modified;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
    }
  if (g_strcmp0 (undo_label, self->undo_label) != 0)
    {
      g_free (self->undo_label);
      self->undo_label = g_strdup (undo_label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_LABEL]);
    }
  if (g_strcmp0 (redo_label, self->redo_label) != 0)
    {
      g_free (self->redo_label);
      self->redo_label = g_strdup (redo_label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REDO_LABEL]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  g_signal_emit (self, signals[CHANGED], 0);
}

static void
clear_redo (LqHistory *self)
{
  g_ptr_array_set_size (self->redo, 0);
}

static void
trim (LqHistory *self)
{
  while (self->undo.length > self->max_depth && self->undo.length > 1)
    {
      Step *oldest = g_queue_pop_head (&self->undo);

      g_assert (oldest != self->group_step);
      /* The state after the forgotten step is where undoing now stops. */
      self->base_serial = oldest->serial;
      step_free (oldest);
    }
}

/* Resolves @property on @object, or a "child::property" path when @object is a
 * GstChildProxy (an element with bands, a bin). */
static gboolean
lookup_property (GObject     *object,
                 const char  *property,
                 GObject    **target,
                 GParamSpec **pspec)
{
  if (GST_IS_CHILD_PROXY (object) && strstr (property, "::") != NULL)
    return gst_child_proxy_lookup (GST_CHILD_PROXY (object), property, target, pspec);

  *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);
  if (*pspec == NULL)
    return FALSE;
  *target = g_object_ref (object);
  return TRUE;
}

static gboolean
same_property (Command *a,
               Command *b)
{
  return a->kind != COMMAND_CUSTOM && a->kind == b->kind && a->object == b->object
         && a->pspec == b->pspec && a->key == b->key
         && G_VALUE_TYPE (&a->new_value) == G_VALUE_TYPE (&b->new_value);
}

static gboolean
values_equal (Command      *command,
              const GValue *a,
              const GValue *b)
{
  if (command->pspec != NULL)
    return g_param_values_cmp (command->pspec, a, b) == 0;
  if (G_VALUE_HOLDS_BOOLEAN (a))
    return !g_value_get_boolean (a) == !g_value_get_boolean (b);
  return g_strcmp0 (g_value_get_string (a), g_value_get_string (b)) == 0;
}

/* Puts @element's settings back in @order (LqChainElement keeps them in the order they were
 * first set, which shows in the project file). */
static void
setting_restore_order (LqChainElement     *element,
                       const char * const *order)
{
  g_auto(GStrv) now = lq_chain_element_list_properties (element);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) values = NULL;

  if (g_strv_equal ((const char * const *) now, order))
    return;
  names = g_ptr_array_new_with_free_func (g_free);
  values = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; order[i] != NULL; i++)
    if (g_strv_contains ((const char * const *) now, order[i]))
      g_ptr_array_add (names, g_strdup (order[i]));
  for (guint i = 0; now[i] != NULL; i++)
    if (!g_strv_contains (order, now[i]))
      g_ptr_array_add (names, g_strdup (now[i]));
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (values, g_strdup (lq_chain_element_get (element, g_ptr_array_index (names, i))));
  for (guint i = 0; i < names->len; i++)
    lq_chain_element_set (element, g_ptr_array_index (names, i), NULL);
  for (guint i = 0; i < names->len; i++)
    lq_chain_element_set (element, g_ptr_array_index (names, i), g_ptr_array_index (values, i));
}

static void
setting_apply (Command  *command,
               gboolean  forward)
{
  LqChainElement *element = LQ_CHAIN_ELEMENT (command->object);
  const GValue *value = forward ? &command->new_value : &command->old_value;

  if (G_VALUE_HOLDS_BOOLEAN (value))
    {
      lq_chain_element_set_bypass (element, g_value_get_boolean (value));
      return;
    }
  lq_chain_element_set (element, command->key, g_value_get_string (value));
  if (!forward && command->order != NULL)
    setting_restore_order (element, (const char * const *) command->order);
}

static gboolean
can_merge (LqHistory *self,
           Command   *command,
           gint64     now)
{
  Step *top = g_queue_peek_tail (&self->undo);

  return self->merge_open && self->merge_window > 0 && top != NULL
         && top->commands->len == 1
         && same_property (g_ptr_array_index (top->commands, 0), command)
         && now - top->last_edit <= (gint64) self->merge_window * 1000;
}

/* Takes ownership of @command, which has been applied already. */
static void
record (LqHistory  *self,
        Command    *command,
        const char *label)
{
  gint64 now = g_get_monotonic_time ();
  Step *step = NULL;
  Command *last;

  clear_redo (self);

  if (self->group_step != NULL)
    step = self->group_step;
  else if (self->group_depth == 0 && can_merge (self, command, now))
    step = g_queue_peek_tail (&self->undo);

  last = step != NULL && step->commands->len > 0
         ? g_ptr_array_index (step->commands, step->commands->len - 1)
         : NULL;
  if (last != NULL && same_property (last, command))
    {
      /* Fold into the previous edit of the property: its old value stays. */
      g_value_unset (&last->new_value);
      g_value_init (&last->new_value, G_VALUE_TYPE (&command->new_value));
      g_value_copy (&command->new_value, &last->new_value);
      command_free (command);

      if (values_equal (last, &last->old_value, &last->new_value))
        {
          /* Dragged back to where it started: the edit is gone. */
          g_ptr_array_remove_index (step->commands, step->commands->len - 1);
          if (step->commands->len == 0)
            {
              g_assert (step == g_queue_peek_tail (&self->undo));
              g_queue_pop_tail (&self->undo);
              if (step == self->group_step)
                self->group_step = NULL;
              step_free (step);
              step = NULL;
            }
        }
    }
  else
    {
      if (step == NULL)
        {
          step = step_new (self->group_depth > 0 && self->group_label != NULL ? self->group_label : label);
          g_queue_push_tail (&self->undo, step);
          if (self->group_depth > 0)
            self->group_step = step;
        }
      g_ptr_array_add (step->commands, command);
    }

  if (step != NULL)
    {
      step->serial = self->next_serial++;
      step->last_edit = now;
    }
  self->merge_open = step != NULL && self->group_depth == 0 && step->commands->len == 1
                     && ((Command *) g_ptr_array_index (step->commands, 0))->kind != COMMAND_CUSTOM;
  trim (self);
  update (self);
}

static void
command_apply (LqHistory *self,
               Command   *command,
               gboolean   forward)
{
  if (command->kind == COMMAND_PROPERTY)
    g_object_set_property (command->object, command->pspec->name,
                           forward ? &command->new_value : &command->old_value);
  else if (command->kind == COMMAND_SETTING)
    setting_apply (command, forward);
  else if (forward)
    command->redo (command->data);
  else
    command->undo (command->data);
}

/* The lists edited: a GListStore (tracks, references) or an LqChain (elements). */
static guint
container_n_items (GObject *container)
{
  return g_list_model_get_n_items (G_LIST_MODEL (container));
}

static void
container_insert (GObject *container,
                  guint    position,
                  GObject *item)
{
  if (G_IS_LIST_STORE (container))
    g_list_store_insert (G_LIST_STORE (container), position, item);
  else
    lq_chain_insert (LQ_CHAIN (container), position, LQ_CHAIN_ELEMENT (item));
}

static void
container_remove (GObject *container,
                  guint    position)
{
  if (G_IS_LIST_STORE (container))
    g_list_store_remove (G_LIST_STORE (container), position);
  else
    lq_chain_remove (LQ_CHAIN (container), position);
}

static void
container_move (GObject *container,
                guint    from,
                guint    to)
{
  if (G_IS_LIST_STORE (container))
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (container), from);

      g_list_store_remove (G_LIST_STORE (container), from);
      g_list_store_insert (G_LIST_STORE (container), to, item);
    }
  else
    {
      lq_chain_move (LQ_CHAIN (container), from, to);
    }
}

/* Guards against a list edited behind the history's back (positions would be wrong). */
static gboolean
container_check (GObject    *container,
                 guint       position,
                 gboolean    inserting,
                 const char *what)
{
  guint n = container_n_items (container);

  if (inserting ? position <= n : position < n)
    return TRUE;
  g_critical ("The list changed behind the history's back (%s at %u of %u items)", what, position, n);
  return FALSE;
}

static void
list_insert_redo (gpointer data)
{
  ListEdit *edit = data;

  if (container_check (edit->store, edit->to, TRUE, "insert"))
    container_insert (edit->store, edit->to, edit->item);
}

static void
list_insert_undo (gpointer data)
{
  ListEdit *edit = data;

  if (container_check (edit->store, edit->to, FALSE, "remove"))
    container_remove (edit->store, edit->to);
}

static void
list_remove_redo (gpointer data)
{
  ListEdit *edit = data;

  if (container_check (edit->store, edit->from, FALSE, "remove"))
    container_remove (edit->store, edit->from);
}

static void
list_remove_undo (gpointer data)
{
  ListEdit *edit = data;

  if (container_check (edit->store, edit->from, TRUE, "insert"))
    container_insert (edit->store, edit->from, edit->item);
}

static void
list_move_redo (gpointer data)
{
  ListEdit *edit = data;

  if (container_check (edit->store, MAX (edit->from, edit->to), FALSE, "move"))
    container_move (edit->store, edit->from, edit->to);
}

static void
list_move_undo (gpointer data)
{
  ListEdit *edit = data;

  if (container_check (edit->store, MAX (edit->from, edit->to), FALSE, "move"))
    container_move (edit->store, edit->to, edit->from);
}

static void
list_replace_redo (gpointer data)
{
  ListEdit *edit = data;

  if (container_check (edit->store, edit->to, FALSE, "replace"))
    g_list_store_splice (G_LIST_STORE (edit->store), edit->to, 1, (gpointer *) &edit->item, 1);
}

static void
list_replace_undo (gpointer data)
{
  ListEdit *edit = data;

  if (container_check (edit->store, edit->to, FALSE, "replace"))
    g_list_store_splice (G_LIST_STORE (edit->store), edit->to, 1, (gpointer *) &edit->old_item, 1);
}

static void
lq_history_dispose (GObject *object)
{
  LqHistory *self = (LqHistory *) object;

  g_queue_clear_full (&self->undo, (GDestroyNotify) step_free);
  if (self->redo != NULL)
    g_ptr_array_set_size (self->redo, 0);
  self->group_step = NULL;

  G_OBJECT_CLASS (lq_history_parent_class)->dispose (object);
}

static void
lq_history_finalize (GObject *object)
{
  LqHistory *self = (LqHistory *) object;

  g_clear_pointer (&self->redo, g_ptr_array_unref);
  g_clear_pointer (&self->group_label, g_free);
  g_clear_pointer (&self->undo_label, g_free);
  g_clear_pointer (&self->redo_label, g_free);

  G_OBJECT_CLASS (lq_history_parent_class)->finalize (object);
}

static void
lq_history_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LqHistory *self = LQ_HISTORY (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, lq_history_get_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, lq_history_get_can_redo (self));
      break;
    case PROP_UNDO_LABEL:
      g_value_set_string (value, lq_history_get_undo_label (self));
      break;
    case PROP_REDO_LABEL:
      g_value_set_string (value, lq_history_get_redo_label (self));
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, lq_history_is_modified (self));
      break;
    case PROP_MAX_DEPTH:
      g_value_set_uint (value, self->max_depth);
      break;
    case PROP_MERGE_WINDOW:
      g_value_set_uint (value, self->merge_window);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_history_set_property_vfunc (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LqHistory *self = LQ_HISTORY (object);

  switch (prop_id)
    {
    case PROP_MAX_DEPTH:
      lq_history_set_max_depth (self, g_value_get_uint (value));
      break;
    case PROP_MERGE_WINDOW:
      lq_history_set_merge_window (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_history_class_init (LqHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lq_history_dispose;
  object_class->finalize = lq_history_finalize;
  object_class->get_property = lq_history_get_property;
  object_class->set_property = lq_history_set_property_vfunc;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNDO_LABEL] =
    g_param_spec_string ("undo-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REDO_LABEL] =
    g_param_spec_string ("redo-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * LqHistory:modified:
   *
   * Whether the project differs from its last save (see lq_history_mark_saved()).
   */
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_DEPTH] =
    g_param_spec_uint ("max-depth", NULL, NULL, 1, G_MAXUINT, LQ_HISTORY_DEFAULT_MAX_DEPTH,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * LqHistory:merge-window:
   *
   * Milliseconds within which consecutive edits of one property of one object become a single
   * step (a drag of a slider); 0 merges only inside groups.
   */
  properties[PROP_MERGE_WINDOW] =
    g_param_spec_uint ("merge-window", NULL, NULL, 0, G_MAXUINT, LQ_HISTORY_DEFAULT_MERGE_WINDOW,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LqHistory::changed:
   *
   * Emitted after every change of the stacks: an edit, an undo, a redo, a save point, a clear.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
lq_history_init (LqHistory *self)
{
  g_queue_init (&self->undo);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  self->next_serial = 1;
  self->base_serial = 0;
  self->saved_serial = 0;
  self->max_depth = LQ_HISTORY_DEFAULT_MAX_DEPTH;
  self->merge_window = LQ_HISTORY_DEFAULT_MERGE_WINDOW;
}

LqHistory *
lq_history_new (void)
{
  return g_object_new (LQ_TYPE_HISTORY, NULL);
}

/**
 * lq_history_set_property:
 * @object: the object to edit
 * @property: a property name, or "child::property" when @object is a #GstChildProxy
 * @value: the new value (transformed to the property's type when needed)
 * @label: (nullable): what the edit is called in "Undo …"; %NULL uses the property's nick
 *
 * Sets the property and records the change. The value recorded is the one read back after
 * setting, so setters that clamp or round are undone exactly. Consecutive edits of the same
 * property within the merge window become one step. Called from an undo or redo function, the
 * property is set but nothing is recorded.
 *
 * Returns: %TRUE if the property changed
 */
gboolean
lq_history_set_property (LqHistory    *self,
                         GObject      *object,
                         const char   *property,
                         const GValue *value,
                         const char   *label)
{
  g_autoptr(GObject) target = NULL;
  g_auto(GValue) wanted = G_VALUE_INIT;
  g_auto(GValue) old_value = G_VALUE_INIT;
  GParamSpec *pspec = NULL;
  Command *command;

  g_return_val_if_fail (LQ_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (G_IS_OBJECT (object), FALSE);
  g_return_val_if_fail (property != NULL, FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);

  if (!lookup_property (object, property, &target, &pspec))
    {
      g_critical ("%s: %s has no property “%s”", G_STRFUNC, G_OBJECT_TYPE_NAME (object), property);
      return FALSE;
    }
  if ((pspec->flags & G_PARAM_READWRITE) != G_PARAM_READWRITE
      || (pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0)
    {
      g_critical ("%s: the property “%s” of %s cannot be edited (not read-write)", G_STRFUNC,
                  property, G_OBJECT_TYPE_NAME (target));
      return FALSE;
    }
  g_value_init (&wanted, pspec->value_type);
  if (!g_value_transform (value, &wanted))
    {
      g_critical ("%s: a %s cannot be stored in the property “%s” (%s)", G_STRFUNC,
                  G_VALUE_TYPE_NAME (value), property, g_type_name (pspec->value_type));
      return FALSE;
    }

  if (self->applying)
    {
      g_object_set_property (target, pspec->name, &wanted);
      return TRUE;
    }

  g_value_init (&old_value, pspec->value_type);
  g_object_get_property (target, pspec->name, &old_value);
  g_object_set_property (target, pspec->name, &wanted);

  command = g_new0 (Command, 1);
  command->kind = COMMAND_PROPERTY;
  command->pspec = g_param_spec_ref (pspec);
  g_value_init (&command->new_value, pspec->value_type);
  g_object_get_property (target, pspec->name, &command->new_value);
  if (g_param_values_cmp (pspec, &old_value, &command->new_value) == 0)
    {
      command_free (command);
      return FALSE;
    }
  command->object = g_steal_pointer (&target);
  command->old_value = old_value;
  old_value = (GValue) G_VALUE_INIT; /* moved into the command */

  record (self, command, label != NULL ? label : g_param_spec_get_nick (pspec));
  return TRUE;
}

/**
 * lq_history_set:
 * @object: (type GObject): the object to edit
 * @label: (nullable): what the edit is called in "Undo …"
 * @first_property: the first property name (or "child::property"), followed by its value,
 *   then more name/value pairs, ending with %NULL, as for g_object_set()
 *
 * Sets several properties as one step (one property merges like lq_history_set_property()).
 */
void
lq_history_set (LqHistory  *self,
                gpointer    object,
                const char *label,
                const char *first_property,
                ...)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));
  va_list args;

  g_return_if_fail (LQ_IS_HISTORY (self));
  g_return_if_fail (G_IS_OBJECT (object));

  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);

  va_start (args, first_property);
  for (const char *name = first_property; name != NULL; name = va_arg (args, const char *))
    {
      g_autoptr(GObject) target = NULL;
      g_autofree char *error = NULL;
      GParamSpec *pspec = NULL;
      GValue value = G_VALUE_INIT;

      if (!lookup_property (object, name, &target, &pspec))
        {
          g_critical ("%s: %s has no property “%s”", G_STRFUNC, G_OBJECT_TYPE_NAME (object), name);
          break;
        }
      G_VALUE_COLLECT_INIT (&value, pspec->value_type, args, 0, &error);
      if (error != NULL)
        {
          /* Like g_object_set(): the value may be half made, so it is leaked, and the
           * remaining arguments cannot be read. */
          g_critical ("%s: %s", G_STRFUNC, error);
          break;
        }
      g_ptr_array_add (names, (gpointer) name);
      g_array_append_val (values, value);
    }
  va_end (args);

  if (names->len > 1)
    lq_history_begin_group (self, label);
  for (guint i = 0; i < names->len; i++)
    lq_history_set_property (self, object, g_ptr_array_index (names, i),
                             &g_array_index (values, GValue, i), label);
  if (names->len > 1)
    lq_history_end_group (self);
}

/**
 * lq_history_push:
 * @label: (nullable): what the edit is called in "Undo …"
 * @undo: reverts the edit
 * @redo: applies the edit
 * @data: passed to @undo and @redo, owned by the history from now on
 * @destroy: (nullable): frees @data when the step is forgotten
 *
 * Records a structural edit AND applies it: @redo is called once here, so do not make the
 * edit yourself. Edits made by @undo and @redo through this history are applied but not
 * recorded. Inside a group the edit joins the group's step.
 */
void
lq_history_push (LqHistory      *self,
                 const char     *label,
                 LqHistoryFunc   undo,
                 LqHistoryFunc   redo,
                 gpointer        data,
                 GDestroyNotify  destroy)
{
  gboolean was_applying;
  Command *command;

  g_return_if_fail (LQ_IS_HISTORY (self));
  g_return_if_fail (undo != NULL);
  g_return_if_fail (redo != NULL);

  was_applying = self->applying;
  self->applying = TRUE;
  redo (data);
  self->applying = was_applying;

  if (was_applying)
    {
      if (destroy != NULL)
        destroy (data);
      return;
    }

  command = g_new0 (Command, 1);
  command->kind = COMMAND_CUSTOM;
  command->undo = undo;
  command->redo = redo;
  command->data = data;
  command->destroy = destroy;
  record (self, command, label);
}

static void
push_list_edit (LqHistory     *self,
                const char    *label,
                LqHistoryFunc  undo,
                LqHistoryFunc  redo,
                gpointer       store,
                gpointer       item,
                gpointer       old_item,
                guint          from,
                guint          to)
{
  ListEdit *edit = g_new0 (ListEdit, 1);

  edit->store = g_object_ref (store);
  edit->item = g_object_ref (item);
  edit->old_item = old_item != NULL ? g_object_ref (old_item) : NULL;
  edit->from = from;
  edit->to = to;
  lq_history_push (self, label, undo, redo, edit, list_edit_free);
}

/**
 * lq_history_list_insert:
 * @item: (type GObject): the item, of the store's item type
 * @label: (nullable): what the edit is called in "Undo …"
 *
 * Inserts @item at @position (at most the number of items) as an undoable step.
 */
void
lq_history_list_insert (LqHistory  *self,
                        GListStore *store,
                        guint       position,
                        gpointer    item,
                        const char *label)
{
  g_return_if_fail (LQ_IS_HISTORY (self));
  g_return_if_fail (G_IS_LIST_STORE (store));
  g_return_if_fail (G_IS_OBJECT (item));
  g_return_if_fail (g_type_is_a (G_OBJECT_TYPE (item), g_list_model_get_item_type (G_LIST_MODEL (store))));
  g_return_if_fail (position <= g_list_model_get_n_items (G_LIST_MODEL (store)));

  push_list_edit (self, label != NULL ? label : _("Add Item"), list_insert_undo, list_insert_redo,
                  store, item, NULL, 0, position);
}

/**
 * lq_history_list_remove:
 * @label: (nullable): what the edit is called in "Undo …"
 *
 * Removes the item at @position as an undoable step (the history keeps the item for undo).
 */
void
lq_history_list_remove (LqHistory  *self,
                        GListStore *store,
                        guint       position,
                        const char *label)
{
  g_autoptr(GObject) item = NULL;

  g_return_if_fail (LQ_IS_HISTORY (self));
  g_return_if_fail (G_IS_LIST_STORE (store));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (store)));

  item = g_list_model_get_item (G_LIST_MODEL (store), position);
  push_list_edit (self, label != NULL ? label : _("Remove Item"), list_remove_undo, list_remove_redo,
                  store, item, NULL, position, 0);
}

/**
 * lq_history_list_move:
 * @from: where the item is
 * @to: where it ends up, counted after it has been taken out (0 … n − 1)
 * @label: (nullable): what the edit is called in "Undo …"
 *
 * Moves an item as an undoable step.
 */
void
lq_history_list_move (LqHistory  *self,
                      GListStore *store,
                      guint       from,
                      guint       to,
                      const char *label)
{
  g_autoptr(GObject) item = NULL;
  guint n;

  g_return_if_fail (LQ_IS_HISTORY (self));
  g_return_if_fail (G_IS_LIST_STORE (store));
  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_return_if_fail (from < n);
  g_return_if_fail (to < n);

  if (from == to)
    return;
  item = g_list_model_get_item (G_LIST_MODEL (store), from);
  push_list_edit (self, label != NULL ? label : _("Move Item"), list_move_undo, list_move_redo,
                  store, item, NULL, from, to);
}

/**
 * lq_history_list_replace:
 * @item: (type GObject): the new item, of the store's item type
 * @label: (nullable): what the edit is called in "Undo …"
 *
 * Puts @item in place of the item at @position as an undoable step.
 */
void
lq_history_list_replace (LqHistory  *self,
                         GListStore *store,
                         guint       position,
                         gpointer    item,
                         const char *label)
{
  g_autoptr(GObject) old_item = NULL;

  g_return_if_fail (LQ_IS_HISTORY (self));
  g_return_if_fail (G_IS_LIST_STORE (store));
  g_return_if_fail (G_IS_OBJECT (item));
  g_return_if_fail (g_type_is_a (G_OBJECT_TYPE (item), g_list_model_get_item_type (G_LIST_MODEL (store))));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (store)));

  old_item = g_list_model_get_item (G_LIST_MODEL (store), position);
  if (old_item == item)
    return;
  push_list_edit (self, label != NULL ? label : _("Replace Item"), list_replace_undo,
                  list_replace_redo, store, item, old_item, 0, position);
}

static gboolean
record_setting (LqHistory      *self,
                LqChainElement *element,
                const char     *key,
                GStrv           order,
                GValue         *old_value,
                GValue         *new_value,
                const char     *label)
{
  Command *command = g_new0 (Command, 1);

  command->kind = COMMAND_SETTING;
  command->order = order;
  command->object = g_object_ref (G_OBJECT (element));
  command->key = g_intern_string (key);
  command->old_value = *old_value;
  command->new_value = *new_value;
  *old_value = (GValue) G_VALUE_INIT; /* moved into the command */
  *new_value = (GValue) G_VALUE_INIT;
  record (self, command, label);
  return TRUE;
}

/**
 * lq_history_chain_element_set:
 * @property: the element property ("ceiling", "band0::gain")
 * @value: (nullable): the value in GStreamer's serialization, %NULL for the element's default
 * @label: (nullable): what the edit is called in "Undo …"; %NULL uses @property
 *
 * lq_chain_element_set() as an undoable step; consecutive edits of the same setting merge
 * like lq_history_set_property().
 *
 * Returns: %TRUE if the setting changed
 */
gboolean
lq_history_chain_element_set (LqHistory      *self,
                              LqChainElement *element,
                              const char     *property,
                              const char     *value,
                              const char     *label)
{
  g_auto(GValue) old_value = G_VALUE_INIT;
  g_auto(GValue) new_value = G_VALUE_INIT;
  GStrv order;

  g_return_val_if_fail (LQ_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (element), FALSE);
  g_return_val_if_fail (property != NULL, FALSE);

  if (g_strcmp0 (lq_chain_element_get (element, property), value) == 0)
    return FALSE;
  order = self->applying ? NULL : lq_chain_element_list_properties (element);
  g_value_init (&old_value, G_TYPE_STRING);
  g_value_set_string (&old_value, lq_chain_element_get (element, property));
  lq_chain_element_set (element, property, value);
  if (self->applying)
    return TRUE;
  g_value_init (&new_value, G_TYPE_STRING);
  g_value_set_string (&new_value, lq_chain_element_get (element, property));
  return record_setting (self, element, property, order, &old_value, &new_value,
                         label != NULL ? label : property);
}

/**
 * lq_history_chain_element_set_bypass:
 * @label: (nullable): what the edit is called in "Undo …"
 *
 * lq_chain_element_set_bypass() as an undoable step.
 *
 * Returns: %TRUE if the bypass changed
 */
gboolean
lq_history_chain_element_set_bypass (LqHistory      *self,
                                     LqChainElement *element,
                                     gboolean        bypass,
                                     const char     *label)
{
  g_auto(GValue) old_value = G_VALUE_INIT;
  g_auto(GValue) new_value = G_VALUE_INIT;

  g_return_val_if_fail (LQ_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (element), FALSE);

  if (!lq_chain_element_get_bypass (element) == !bypass)
    return FALSE;
  g_value_init (&old_value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&old_value, lq_chain_element_get_bypass (element));
  lq_chain_element_set_bypass (element, bypass);
  if (self->applying)
    return TRUE;
  g_value_init (&new_value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&new_value, lq_chain_element_get_bypass (element));
  return record_setting (self, element, "bypass", NULL, &old_value, &new_value,
                         label != NULL ? label : (bypass ? _("Bypass") : _("Enable")));
}

/**
 * lq_history_chain_insert:
 * @label: (nullable): what the edit is called in "Undo …"
 *
 * lq_chain_insert() as an undoable step (@position at most the number of elements).
 */
void
lq_history_chain_insert (LqHistory      *self,
                         LqChain        *chain,
                         guint           position,
                         LqChainElement *element,
                         const char     *label)
{
  g_return_if_fail (LQ_IS_HISTORY (self));
  g_return_if_fail (LQ_IS_CHAIN (chain));
  g_return_if_fail (LQ_IS_CHAIN_ELEMENT (element));
  g_return_if_fail (position <= lq_chain_get_n_elements (chain));

  push_list_edit (self, label != NULL ? label : _("Add Processing"), list_insert_undo,
                  list_insert_redo, chain, element, NULL, 0, position);
}

/**
 * lq_history_chain_remove:
 * @label: (nullable): what the edit is called in "Undo …"
 *
 * lq_chain_remove() as an undoable step (the history keeps the element for undo).
 */
void
lq_history_chain_remove (LqHistory  *self,
                         LqChain    *chain,
                         guint       position,
                         const char *label)
{
  g_return_if_fail (LQ_IS_HISTORY (self));
  g_return_if_fail (LQ_IS_CHAIN (chain));
  g_return_if_fail (position < lq_chain_get_n_elements (chain));

  push_list_edit (self, label != NULL ? label : _("Remove Processing"), list_remove_undo,
                  list_remove_redo, chain, lq_chain_get_element (chain, position), NULL, position, 0);
}

/**
 * lq_history_chain_move:
 * @to: where the element ends up, counted after it has been taken out
 * @label: (nullable): what the edit is called in "Undo …"
 *
 * lq_chain_move() as an undoable step.
 */
void
lq_history_chain_move (LqHistory  *self,
                       LqChain    *chain,
                       guint       from,
                       guint       to,
                       const char *label)
{
  guint n;

  g_return_if_fail (LQ_IS_HISTORY (self));
  g_return_if_fail (LQ_IS_CHAIN (chain));
  n = lq_chain_get_n_elements (chain);
  g_return_if_fail (from < n);
  g_return_if_fail (to < n);

  if (from == to)
    return;
  push_list_edit (self, label != NULL ? label : _("Move Processing"), list_move_undo,
                  list_move_redo, chain, lq_chain_get_element (chain, from), NULL, from, to);
}

/**
 * lq_history_begin_group:
 * @label: (nullable): what the whole group is called in "Undo …"
 *
 * Everything recorded until the matching lq_history_end_group() becomes one step (a drag, a
 * multi-part edit). Groups nest; the outermost label counts.
 */
void
lq_history_begin_group (LqHistory  *self,
                        const char *label)
{
  g_return_if_fail (LQ_IS_HISTORY (self));

  if (self->group_depth++ > 0)
    return;
  g_free (self->group_label);
  self->group_label = g_strdup (label);
  self->group_step = NULL;
  self->merge_open = FALSE;
}

void
lq_history_end_group (LqHistory *self)
{
  g_return_if_fail (LQ_IS_HISTORY (self));
  g_return_if_fail (self->group_depth > 0);

  if (--self->group_depth > 0)
    return;
  g_clear_pointer (&self->group_label, g_free);
  self->group_step = NULL;
  self->merge_open = FALSE;
}

/**
 * lq_history_stop_merging:
 *
 * The next edit starts a new step even within the merge window (call it when a drag ends).
 */
void
lq_history_stop_merging (LqHistory *self)
{
  g_return_if_fail (LQ_IS_HISTORY (self));
  self->merge_open = FALSE;
}

/**
 * lq_history_undo:
 *
 * Returns: %TRUE if a step was undone
 */
gboolean
lq_history_undo (LqHistory *self)
{
  Step *step;

  g_return_val_if_fail (LQ_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (self->group_depth == 0, FALSE);
  g_return_val_if_fail (!self->applying, FALSE);

  step = g_queue_pop_tail (&self->undo);
  if (step == NULL)
    return FALSE;

  self->applying = TRUE;
  for (guint i = step->commands->len; i > 0; i--)
    command_apply (self, g_ptr_array_index (step->commands, i - 1), FALSE);
  self->applying = FALSE;

  g_ptr_array_add (self->redo, step);
  self->merge_open = FALSE;
  update (self);
  return TRUE;
}

/**
 * lq_history_redo:
 *
 * Returns: %TRUE if a step was redone
 */
gboolean
lq_history_redo (LqHistory *self)
{
  Step *step;

  g_return_val_if_fail (LQ_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (self->group_depth == 0, FALSE);
  g_return_val_if_fail (!self->applying, FALSE);

  if (self->redo->len == 0)
    return FALSE;
  step = g_ptr_array_steal_index (self->redo, self->redo->len - 1);

  self->applying = TRUE;
  for (guint i = 0; i < step->commands->len; i++)
    command_apply (self, g_ptr_array_index (step->commands, i), TRUE);
  self->applying = FALSE;

  g_queue_push_tail (&self->undo, step);
  self->merge_open = FALSE;
  update (self);
  return TRUE;
}

gboolean
lq_history_get_can_undo (LqHistory *self)
{
  g_return_val_if_fail (LQ_IS_HISTORY (self), FALSE);
  return self->undo.length > 0;
}

gboolean
lq_history_get_can_redo (LqHistory *self)
{
  g_return_val_if_fail (LQ_IS_HISTORY (self), FALSE);
  return self->redo->len > 0;
}

/**
 * lq_history_get_undo_label:
 *
 * Returns: (nullable): the label of the step lq_history_undo() would undo
 */
const char *
lq_history_get_undo_label (LqHistory *self)
{
  Step *top;

  g_return_val_if_fail (LQ_IS_HISTORY (self), NULL);
  top = g_queue_peek_tail (&self->undo);
  return top != NULL ? top->label : NULL;
}

/**
 * lq_history_get_redo_label:
 *
 * Returns: (nullable): the label of the step lq_history_redo() would redo
 */
const char *
lq_history_get_redo_label (LqHistory *self)
{
  g_return_val_if_fail (LQ_IS_HISTORY (self), NULL);
  if (self->redo->len == 0)
    return NULL;
  return ((Step *) g_ptr_array_index (self->redo, self->redo->len - 1))->label;
}

guint
lq_history_get_n_undo (LqHistory *self)
{
  g_return_val_if_fail (LQ_IS_HISTORY (self), 0);
  return self->undo.length;
}

guint
lq_history_get_n_redo (LqHistory *self)
{
  g_return_val_if_fail (LQ_IS_HISTORY (self), 0);
  return self->redo->len;
}

/**
 * lq_history_clear:
 *
 * Forgets every step (and releases what they hold). Whether the project counts as modified
 * does not change.
 */
void
lq_history_clear (LqHistory *self)
{
  g_return_if_fail (LQ_IS_HISTORY (self));
  g_return_if_fail (self->group_depth == 0);
  g_return_if_fail (!self->applying);

  self->base_serial = current_serial (self);
  g_queue_clear_full (&self->undo, (GDestroyNotify) step_free);
  clear_redo (self);
  self->merge_open = FALSE;
  update (self);
}

/**
 * lq_history_mark_saved:
 *
 * Makes the current state the save point: the project is not modified until the next edit,
 * and undoing or redoing back to here makes it clean again.
 */
void
lq_history_mark_saved (LqHistory *self)
{
  g_return_if_fail (LQ_IS_HISTORY (self));

  self->saved_serial = current_serial (self);
  self->merge_open = FALSE;
  update (self);
}

/**
 * lq_history_mark_unsaved:
 *
 * The project differs from every saved file (it was recovered from an autosave, say): it
 * counts as modified whatever is undone, until lq_history_mark_saved().
 */
void
lq_history_mark_unsaved (LqHistory *self)
{
  g_return_if_fail (LQ_IS_HISTORY (self));

  self->saved_serial = G_MAXUINT64;
  update (self);
}

gboolean
lq_history_is_modified (LqHistory *self)
{
  g_return_val_if_fail (LQ_IS_HISTORY (self), FALSE);
  return current_serial (self) != self->saved_serial;
}

guint
lq_history_get_max_depth (LqHistory *self)
{
  g_return_val_if_fail (LQ_IS_HISTORY (self), 0);
  return self->max_depth;
}

/**
 * lq_history_set_max_depth:
 *
 * Keeps at most @max_depth steps (at least 1); older ones are forgotten.
 */
void
lq_history_set_max_depth (LqHistory *self,
                          guint      max_depth)
{
  g_return_if_fail (LQ_IS_HISTORY (self));

  max_depth = MAX (max_depth, 1);
  if (self->max_depth == max_depth)
    return;
  self->max_depth = max_depth;
  trim (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_DEPTH]);
  update (self);
}

guint
lq_history_get_merge_window (LqHistory *self)
{
  g_return_val_if_fail (LQ_IS_HISTORY (self), 0);
  return self->merge_window;
}

void
lq_history_set_merge_window (LqHistory *self,
                             guint      msec)
{
  g_return_if_fail (LQ_IS_HISTORY (self));

  if (self->merge_window == msec)
    return;
  self->merge_window = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MERGE_WINDOW]);
}
