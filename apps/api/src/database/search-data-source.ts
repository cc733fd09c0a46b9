/** The name of the DataSource of event searches (EventsRepository.list), apart from the writer's pool. */
export const SEARCH_DATA_SOURCE = 'search';
