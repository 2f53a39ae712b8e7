package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agents the simulator knows: a realistic subset of Nimble's public catalogue. Listing agents
 * ({@code *_serp}, {@code *_search}, {@code *_plp}, {@code *_clp}, best sellers, reviews) return an
 * array in {@code data.parsing}; the others (product and detail pages) return an object.
 */
final class AgentCatalog {

  /** One agent; {@code mainParam} is the input its target URL is built from. */
  record Agent(
      String name,
      String displayName,
      String vertical,
      String entityType,
      String domain,
      String mainParam,
      String path) {

    boolean listing() {
      return name.endsWith("_serp")
          || name.endsWith("_search")
          || name.endsWith("_plp")
          || name.endsWith("_clp")
          || name.endsWith("_best_sellers")
          || name.endsWith("_reviews");
    }

    ObjectNode summary() {
      ObjectNode node = Json.object();
      node.put("name", name);
      node.put("display_name", displayName);
      node.put(
          "description",
          "The "
              + displayName
              + " agent extracts structured data from "
              + domain
              + (listing() ? " result listings." : " detail pages."));
      node.put("vertical", vertical);
      node.put("entity_type", entityType);
      node.put("domain", domain);
      node.put("is_public", true);
      node.put("managed_by", "nimble");
      return node;
    }
  }

  /** name | display name | vertical | entity type | domain | main input | path before it. */
  private static final String TABLE =
      """
      aldi_clp | Aldi Category Landing Page | Ecommerce | Category Landing Page (CLP) | www.aldi.us | category | /c/
      aldi_pdp | Aldi Product Details Page | Ecommerce | Product Detail Page (PDP) | www.aldi.us | product_id | /p/
      amazon_best_sellers | Amazon Best Sellers | Ecommerce | Product Listing Page (PLP) | www.amazon.com | category | /gp/bestsellers/
      amazon_pdp | Amazon Product Details Page | Ecommerce | Product Detail Page (PDP) | www.amazon.com | asin | /dp/
      amazon_plp | Amazon CLP | Ecommerce | Category Landing Page (CLP) | www.amazon.com | category | /b?node=
      amazon_serp | Amazon Search Results | Ecommerce | Search Engine Results Page (SERP) | www.amazon.com | keyword | /s?k=
      best_buy_pdp | Best Buy Product Details Page | Ecommerce | Product Detail Page (PDP) | www.bestbuy.com | sku | /site/
      doordash_pdp | DoorDash Store Page | Food | Product Detail Page (PDP) | www.doordash.com | store_id | /store/
      google_maps_reviews | Google Maps Reviews | Search | Reviews | www.google.com | place_id | /maps/place/?q=place_id:
      google_maps_search | Google Maps Search | Search | Search Engine Results Page (SERP) | www.google.com | query | /maps/search/
      google_search | Google Search | Search | Search Engine Results Page (SERP) | www.google.com | query | /search?q=
      homedepot_pdp | Home Depot Product Details Page | Ecommerce | Product Detail Page (PDP) | www.homedepot.com | product_id | /p/
      homedepot_serp | Home Depot Search Results | Ecommerce | Search Engine Results Page (SERP) | www.homedepot.com | keyword | /s/
      instagram_post | Instagram Post | Social | Post | www.instagram.com | post_id | /p/
      kroger_pdp | Kroger Product Details Page | Ecommerce | Product Detail Page (PDP) | www.kroger.com | product_id | /p/
      perplexity | Perplexity Answer | LLM | Answer | www.perplexity.ai | prompt | /search?q=
      target_pdp | Target Product Details Page | Ecommerce | Product Detail Page (PDP) | www.target.com | tcin | /p/-/A-
      target_serp | Target Search Results | Ecommerce | Search Engine Results Page (SERP) | www.target.com | query | /s?searchTerm=
      tiktok_account | TikTok Account | Social | Profile | www.tiktok.com | username | /@
      walmart_pdp | Walmart Product Details Page | Ecommerce | Product Detail Page (PDP) | www.walmart.com | product_id | /ip/
      walmart_serp | Walmart Search Results | Ecommerce | Search Engine Results Page (SERP) | www.walmart.com | keyword | /search?q=
      yelp_serp | Yelp Search Results | Local | Search Engine Results Page (SERP) | www.yelp.com | query | /search?find_desc=
      youtube_shorts | YouTube Shorts | Social | Video | www.youtube.com | video_id | /shorts/
      zillow_pdp | Zillow Property Details | Real Estate | Product Detail Page (PDP) | www.zillow.com | zpid | /homedetails/
      zillow_plp | Zillow Property Listings | Real Estate | Product Listing Page (PLP) | www.zillow.com | zip_code | /homes/
      """;

  private static final Map<String, Agent> AGENTS = new LinkedHashMap<>();

  static {
    for (String line : TABLE.strip().split("\n")) {
      String[] f = line.split("\\s*\\|\\s*");
      AGENTS.put(f[0], new Agent(f[0], f[1], f[2], f[3], f[4], f[5], f[6]));
    }
  }

  private AgentCatalog() {}

  /** The agent, or null if there is none of that name. */
  static Agent find(String name) {
    return AGENTS.get(name);
  }

  static List<Agent> all() {
    return List.copyOf(AGENTS.values());
  }
}
